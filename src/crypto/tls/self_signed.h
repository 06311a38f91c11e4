// Ephemeral self-signed certificates for demos and tests (`tquic serve`
// without --cert, the loopback demo, in-process handshake tests). The
// caller passes the current time: the core never reads a clock.
#pragma once

#include <ctime>
#include <string>
#include <vector>

namespace tquic::crypto {

struct PemCertificate {
  std::string cert_pem;
  std::string key_pem;
};

// ECDSA P-256 key and certificate for `dns_names` (first is the CN) and
// `ip_addresses` (raw network-order bytes: 4 for IPv4, 16 for IPv6), valid from now-1h for `days` days.
// Empty cert_pem and a one-line `error` on failure.
PemCertificate generate_self_signed(std::time_t now, const std::vector<std::string>& dns_names,
                                    const std::vector<std::string>& ip_addresses, int days,
                                    std::string& error);

}  // namespace tquic::crypto
