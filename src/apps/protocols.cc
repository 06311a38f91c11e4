#include "apps/protocols.h"

#include "apps/hq_client_session.h"
#include "apps/hq_server_session.h"
#include "h3/alpn.h"

namespace tquic::apps {
namespace {

std::unique_ptr<ServerSession> make_hq_server(const ServerContext& c) { return std::make_unique<HqServerSession>(c); }
std::unique_ptr<ClientSession> make_hq_client(ResponseSink& s) { return std::make_unique<HqClientSession>(s); }

constexpr Protocol kProtocols[] = {
    {h3::kAlpnHqInterop, make_hq_server, make_hq_client},
};

}  // namespace

std::span<const Protocol> protocols() { return kProtocols; }

const Protocol* find_protocol(std::string_view alpn) {
  for (const Protocol& p : kProtocols)
    if (p.alpn == alpn) return &p;
  return nullptr;
}

bool alpn_supported(std::string_view alpn) { return find_protocol(alpn) != nullptr; }

std::string supported_alpn_list() {
  std::string out;
  for (std::size_t i = 0; i < std::size(kProtocols); ++i) {
    if (i > 0) out += i + 1 == std::size(kProtocols) ? " or " : ", ";
    out += kProtocols[i].alpn;
  }
  return out;
}

}  // namespace tquic::apps
