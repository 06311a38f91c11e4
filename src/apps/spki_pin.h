// The SHA-256 of a certificate's SubjectPublicKeyInfo, base64: what
// Chromium's --ignore-certificate-errors-spki-list and HPKP-style pins take.
// `tquic serve` prints it so a browser can trust its self-signed certificate.
#pragma once

#include <string>

namespace tquic::apps {

// From the first certificate in `cert_pem`. False with a one-line `error`.
bool spki_sha256_base64(const std::string& cert_pem, std::string& out, std::string& error);

}  // namespace tquic::apps
