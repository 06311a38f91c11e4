// Option values as text, the way the command line (and the serve
// configuration file) deliver them, before build_options.h checks them.
#pragma once

#include <string>
#include <vector>

namespace tquic::apps {

struct RawCommon {
  std::string alpn = "hq-interop";
  std::string qlog;
  std::string keylog;
  std::string cc = "bbr3";
  std::string engine = "auto";
  std::string ciphers;
  std::string max_datagram_size;  // empty: CommonOptions' default
};

struct RawServe {
  RawCommon common;
  std::string listen;
  std::string root;
  std::string cert;
  std::string key;
  bool retry = false;
  std::string versions = "v1,v2";
  std::string config;
};

struct RawGet {
  RawCommon common;
  std::vector<std::string> urls;
  bool insecure = false;
  std::string ca;
  std::string output;
  std::string session;
  bool zero_rtt = false;
  bool key_update = false;
  bool migrate = false;
  std::string version = "v1";
};

struct RawDemo {
  std::string size = "10MB";
  std::string delay = "20ms";
  std::string loss = "1%";
  bool no_relay = false;
  std::string cc = "bbr3";
  std::string engine = "auto";
};

}  // namespace tquic::apps
