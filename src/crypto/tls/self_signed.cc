#include "crypto/tls/self_signed.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>


namespace tquic::crypto {
namespace {

struct X509Handles {
  gnutls_x509_privkey_t key = nullptr;
  gnutls_x509_crt_t crt = nullptr;
  ~X509Handles() {
    if (crt) gnutls_x509_crt_deinit(crt);
    if (key) gnutls_x509_privkey_deinit(key);
  }
};

std::string take_pem(gnutls_datum_t& out) {
  std::string s(reinterpret_cast<char*>(out.data), out.size);
  gnutls_free(out.data);
  return s;
}

bool add_ip_san(gnutls_x509_crt_t crt, const std::string& ip) {
  if (ip.size() != 4 && ip.size() != 16) return false;
  return gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip.data(),
                                              static_cast<unsigned>(ip.size()), GNUTLS_FSAN_APPEND) >= 0;
}

bool fill_certificate(X509Handles& h, std::time_t now, const std::vector<std::string>& dns,
                      const std::vector<std::string>& ips, int days) {
  unsigned char serial[16];
  if (gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial) < 0) return false;
  serial[0] &= 0x7f;  // positive
  const std::string cn = dns.empty() ? "tquic" : dns.front();
  bool ok = gnutls_x509_crt_set_version(h.crt, 3) >= 0 &&
            gnutls_x509_crt_set_serial(h.crt, serial, sizeof serial) >= 0 &&
            gnutls_x509_crt_set_activation_time(h.crt, now - 3600) >= 0 &&
            gnutls_x509_crt_set_expiration_time(h.crt, now + static_cast<std::time_t>(days) * 86400) >= 0 &&
            gnutls_x509_crt_set_dn_by_oid(h.crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn.data(),
                                          static_cast<unsigned>(cn.size())) >= 0 &&
            gnutls_x509_crt_set_key(h.crt, h.key) >= 0 &&
            gnutls_x509_crt_set_basic_constraints(h.crt, 1, -1) >= 0 &&
            gnutls_x509_crt_set_key_usage(h.crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN) >= 0 &&
            gnutls_x509_crt_set_key_purpose_oid(h.crt, GNUTLS_KP_TLS_WWW_SERVER, 0) >= 0;
  for (const auto& d : dns)
    ok = ok && gnutls_x509_crt_set_subject_alt_name(h.crt, GNUTLS_SAN_DNSNAME, d.data(),
                                                    static_cast<unsigned>(d.size()), GNUTLS_FSAN_APPEND) >= 0;
  for (const auto& ip : ips) ok = ok && add_ip_san(h.crt, ip);
  return ok && gnutls_x509_crt_sign2(h.crt, h.crt, h.key, GNUTLS_DIG_SHA256, 0) >= 0;
}

}  // namespace

PemCertificate generate_self_signed(std::time_t now, const std::vector<std::string>& dns_names,
                                    const std::vector<std::string>& ip_addresses, int days,
                                    std::string& error) {
  X509Handles h;
  if (gnutls_x509_privkey_init(&h.key) < 0 || gnutls_x509_crt_init(&h.crt) < 0 ||
      gnutls_x509_privkey_generate(h.key, GNUTLS_PK_ECDSA,
                                   GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0) {
    error = "cannot generate an ECDSA P-256 key";
    return {};
  }
  if (!fill_certificate(h, now, dns_names, ip_addresses, days)) {
    error = "cannot build the self-signed certificate (check the names and addresses)";
    return {};
  }
  gnutls_datum_t cert{nullptr, 0};
  gnutls_datum_t key{nullptr, 0};
  if (gnutls_x509_crt_export2(h.crt, GNUTLS_X509_FMT_PEM, &cert) < 0) {
    error = "cannot export the generated certificate";
    return {};
  }
  PemCertificate out;
  out.cert_pem = take_pem(cert);
  if (gnutls_x509_privkey_export2(h.key, GNUTLS_X509_FMT_PEM, &key) < 0) {
    error = "cannot export the generated key";
    return {};
  }
  out.key_pem = take_pem(key);
  return out;
}

}  // namespace tquic::crypto
