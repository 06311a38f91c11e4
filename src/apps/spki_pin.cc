#include "apps/spki_pin.h"

#include <gnutls/abstract.h>
#include <gnutls/x509.h>
#include <openssl/evp.h>

#include <vector>

namespace tquic::apps {

bool spki_sha256_base64(const std::string& cert_pem, std::string& out, std::string& error) {
  gnutls_x509_crt_t crt = nullptr;
  gnutls_pubkey_t key = nullptr;
  gnutls_datum_t der{nullptr, 0};
  const gnutls_datum_t pem{reinterpret_cast<unsigned char*>(const_cast<char*>(cert_pem.data())),
                           static_cast<unsigned>(cert_pem.size())};
  bool ok = gnutls_x509_crt_init(&crt) == 0 && gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM) == 0 &&
            gnutls_pubkey_init(&key) == 0 && gnutls_pubkey_import_x509(key, crt, 0) == 0 &&
            gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, &der) == 0;
  if (ok) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    EVP_Digest(der.data, der.size, md, &md_len, EVP_sha256(), nullptr);
    std::vector<unsigned char> b64(4 * ((md_len + 2) / 3) + 1);
    const int n = EVP_EncodeBlock(b64.data(), md, static_cast<int>(md_len));
    out.assign(reinterpret_cast<const char*>(b64.data()), static_cast<std::size_t>(n));
  } else {
    error = "cannot read the public key of the certificate (is it PEM?)";
  }
  gnutls_free(der.data);
  if (key) gnutls_pubkey_deinit(key);
  if (crt) gnutls_x509_crt_deinit(crt);
  return ok;
}

}  // namespace tquic::apps
