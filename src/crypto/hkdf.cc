#include "crypto/hkdf.h"

#include <gnutls/crypto.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "crypto/secret.h"

namespace tquic::crypto {
namespace {

constexpr std::string_view kTls13Prefix = "tls13 ";

gnutls_mac_algorithm_t mac_algorithm(HashAlgorithm hash) {
  return hash == HashAlgorithm::sha384 ? GNUTLS_MAC_SHA384 : GNUTLS_MAC_SHA256;
}

// Owns a keyed HMAC handle for the duration of one expand.
class HmacHandle {
 public:
  ~HmacHandle() {
    if (handle_ != nullptr) gnutls_hmac_deinit(handle_, nullptr);
  }
  bool init(HashAlgorithm hash, ByteSpan key) {
    return gnutls_hmac_init(&handle_, mac_algorithm(hash), key.data(), key.size()) == 0;
  }
  bool update(ByteSpan data) {
    return data.empty() || gnutls_hmac(handle_, data.data(), data.size()) == 0;
  }
  void output(std::uint8_t* digest) { gnutls_hmac_output(handle_, digest); }

 private:
  gnutls_hmac_hd_t handle_ = nullptr;
};

}  // namespace

Status hkdf_extract(HashAlgorithm hash, ByteSpan salt, ByteSpan ikm, MutByteSpan prk_out) {
  if (prk_out.size() != hash_length(hash)) return Error::local("hkdf_extract: bad output size");
  // RFC 5869 §2.2: a missing salt is HashLen zero bytes.
  const std::array<std::uint8_t, kMaxHashLength> zeros{};
  if (salt.empty()) salt = ByteSpan(zeros.data(), hash_length(hash));
  if (gnutls_hmac_fast(mac_algorithm(hash), salt.data(), salt.size(), ikm.data(), ikm.size(),
                       prk_out.data()) != 0) {
    return Error::local("hkdf_extract: HMAC failed");
  }
  return ok_status();
}

Status hkdf_expand(HashAlgorithm hash, ByteSpan prk, ByteSpan info, MutByteSpan out) {
  const std::size_t hlen = hash_length(hash);
  if (out.size() > 255 * hlen) return Error::local("hkdf_expand: output too long");
  if (prk.size() < hlen) return Error::local("hkdf_expand: PRK shorter than hash");
  HmacHandle hmac;
  if (!hmac.init(hash, prk)) return Error::local("hkdf_expand: HMAC init failed");
  std::array<std::uint8_t, kMaxHashLength> t{};
  std::size_t t_len = 0;
  std::size_t done = 0;
  for (std::uint8_t counter = 1; done < out.size(); ++counter) {
    // T(i) = HMAC(PRK, T(i-1) | info | i)
    const std::uint8_t c = counter;
    if (!hmac.update(ByteSpan(t.data(), t_len)) || !hmac.update(info) ||
        !hmac.update(ByteSpan(&c, 1))) {
      secure_zero(MutByteSpan(t));
      return Error::local("hkdf_expand: HMAC failed");
    }
    hmac.output(t.data());  // also resets the handle to its keyed state
    t_len = hlen;
    const std::size_t n = std::min(hlen, out.size() - done);
    std::memcpy(out.data() + done, t.data(), n);
    done += n;
  }
  secure_zero(MutByteSpan(t));
  return ok_status();
}

Result<std::size_t> encode_hkdf_label(std::uint16_t length, std::string_view label,
                                      ByteSpan context, MutByteSpan out) {
  if (label.size() > kMaxHkdfLabelLength) return Error::local("hkdf label too long");
  if (context.size() > kMaxHkdfContextLength) return Error::local("hkdf context too long");
  ByteWriter w(out);
  const auto full_label_len = static_cast<std::uint8_t>(kTls13Prefix.size() + label.size());
  const auto* prefix = reinterpret_cast<const std::uint8_t*>(kTls13Prefix.data());
  const auto* lbl = reinterpret_cast<const std::uint8_t*>(label.data());
  const bool ok = w.write_u16(length) && w.write_u8(full_label_len) &&
                  w.write_bytes(ByteSpan(prefix, kTls13Prefix.size())) &&
                  w.write_bytes(ByteSpan(lbl, label.size())) &&
                  w.write_u8(static_cast<std::uint8_t>(context.size())) && w.write_bytes(context);
  if (!ok) return Error::local("hkdf label buffer too small");
  return w.written();
}

Status hkdf_expand_label(HashAlgorithm hash, ByteSpan secret, std::string_view label,
                         ByteSpan context, MutByteSpan out) {
  if (out.size() > 0xffff) return Error::local("hkdf_expand_label: output too long");
  std::array<std::uint8_t, 2 + 1 + 255 + 1 + 255> info{};
  TQUIC_TRY_ASSIGN(
      const std::size_t info_len,
      encode_hkdf_label(static_cast<std::uint16_t>(out.size()), label, context, MutByteSpan(info)));
  return hkdf_expand(hash, secret, ByteSpan(info.data(), info_len), out);
}

}  // namespace tquic::crypto
