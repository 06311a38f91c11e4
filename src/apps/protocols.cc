#include "apps/protocols.h"

#include "apps/h3_client_session.h"
#include "apps/h3_server_session.h"
#include "apps/hq_client_session.h"
#include "apps/hq_server_session.h"
#include "h3/alpn.h"

namespace tquic::apps {
namespace {

template <class S>
std::unique_ptr<ServerSession> make_server(const ServerContext& c) {
  return std::make_unique<S>(c);
}
template <class C>
std::unique_ptr<ClientSession> make_client(ResponseSink& s, const ClientRequests& r) {
  return std::make_unique<C>(s, r);
}

constexpr Protocol kProtocols[] = {
    {h3::kAlpnHqInterop, make_server<HqServerSession>, make_client<HqClientSession>},
    {h3::kAlpnH3, make_server<H3ServerSession>, make_client<H3ClientSession>},
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
