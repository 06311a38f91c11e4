// `tquic serve --config FILE.toml`: the same settings as the command line,
// one key per option without the dashes; command-line options win.
//
//   listen = "0.0.0.0:4433"
//   root = "/srv/www"
//   cert = "/etc/tquic/cert.pem"
//   key = "/etc/tquic/key.pem"
//   alpn = ["hq-interop"]        # or "hq-interop"
//   retry = true
//   versions = ["v2", "v1"]      # or "v2,v1": most preferred first
//   qlog = "/var/log/tquic"
//   keylog = "/tmp/keys.log"
//   cc = "bbr3"
//   engine = "auto"
//   ciphers = "aes128gcm,chacha20"
#pragma once

#include <string>
#include <vector>

namespace tquic::apps {

struct ConfigEntry {
  std::string key;
  std::string text;       // strings as is, arrays joined with ',', numbers in decimal
  bool is_bool = false;
  bool bool_value = false;
  int line = 0;
};

// Reads every top-level key of the TOML file. False with a one-line `error`
// ("--config 'x.toml': line 3: ...") for a file that cannot be read or
// parsed, a nested table, or a value that is not a string, boolean,
// integer or array of strings.
bool load_config_file(const std::string& path, std::vector<ConfigEntry>& out, std::string& error);

}  // namespace tquic::apps
