// Checks option text and builds the typed options of each subcommand. Every
// problem is one line naming the option (see value_parsers.h); files and
// directories named by options are checked here, before any socket exists.
#pragma once

#include <string>

#include "apps/options.h"
#include "apps/raw_options.h"

namespace tquic::apps {

// The options every QUIC subcommand shares except --alpn: --cc, --engine,
// --ciphers, --keylog, --qlog (the directory is created).
bool build_transport_options(const RawCommon& raw, CommonOptions& out, std::string& error);

// --cert and --key: both or neither (self-signed), and both readable.
bool check_cert_and_key(const std::string& cert, const std::string& key, std::string& error);

// --insecure and --ca: not both, and the CA file readable.
bool check_verification(bool insecure, const std::string& ca, std::string& error);

bool build_serve_options(const RawServe& raw, ServeOptions& out, std::string& error);
bool build_get_options(const RawGet& raw, GetOptions& out, std::string& error);
bool build_demo_options(const RawDemo& raw, DemoOptions& out, std::string& error);

}  // namespace tquic::apps
