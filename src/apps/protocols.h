// The application protocols `tquic` speaks, by ALPN, in preference order:
// how to make the server and the client session of each.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "apps/client_session.h"
#include "apps/server_session.h"

namespace tquic::apps {

struct Protocol {
  std::string_view alpn;
  std::unique_ptr<ServerSession> (*make_server)(const ServerContext& context);
  std::unique_ptr<ClientSession> (*make_client)(ResponseSink& sink, const ClientRequests& requests);
};

std::span<const Protocol> protocols();
const Protocol* find_protocol(std::string_view alpn);  // nullptr if unknown
bool alpn_supported(std::string_view alpn);
std::string supported_alpn_list();                      // "hq-interop or h3"

}  // namespace tquic::apps
