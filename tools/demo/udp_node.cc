#include "udp_node.h"

namespace tquic::demo {

Timestamp monotonic_now() {
  const auto ns = std::chrono::steady_clock::now().time_since_epoch();
  return Timestamp(std::chrono::duration_cast<Duration>(ns));
}

bool UdpNode::open(const NetAddress& local, endpoint::EndpointConfig config, endpoint::EndpointTls tls,
                   std::string& error) {
  if (!io::UdpSocket::open(local, io::SocketOptions{}, socket_, error)) return false;
  engine_ = std::make_unique<io::MmsgEngine>(socket_, io::MmsgConfig{});
  auto ep = endpoint::Endpoint::create(std::move(config), tls);
  if (!ep) {
    error = std::string("cannot create the endpoint: ") + ep.error().reason;
    return false;
  }
  endpoint_ = std::move(*ep);
  tx_.resize(64 * 1024);
  return true;
}

Status UdpNode::receive(Timestamp now) {
  for (int batch = 0; batch < 64; ++batch) {  // bounded: other work gets its turn
    TQUIC_TRY_ASSIGN(auto got, engine_->receive());
    if (got.empty()) break;
    for (const io::RxDatagram& d : got) {
      for (std::size_t i = 0; i < d.segment_count(); ++i) {
        ByteSpan seg = d.segment(i);
        MutByteSpan mut(const_cast<std::uint8_t*>(seg.data()), seg.size());  // engine-owned buffer
        TQUIC_TRY(endpoint_->on_datagram(mut, PathTuple{d.local, d.remote},
                                         static_cast<transport::EcnMark>(d.ecn), now));
      }
    }
  }
  return ok_status();
}

// Sends what is left of a blocked train; true when nothing is pending.
bool UdpNode::flush_pending() {
  if (!has_pending_) return true;
  auto p = engine_->send(std::span(&pending_, 1));
  if (!p) return false;
  if (p->datagrams == 1) {
    has_pending_ = false;
    return true;
  }
  const std::size_t sent = p->segments_into_next * pending_.segment_size;
  pending_.data = pending_.data.subspan(std::min(sent, pending_.data.size()));
  return false;
}

Status UdpNode::send(Timestamp now) {
  if (!flush_pending()) return ok_status();
  for (int trains = 0; trains < 256; ++trains) {
    TQUIC_TRY_ASSIGN(transport::TxTrain t, endpoint_->write_train(tx_, now));
    if (t.segments == 0) break;
    pending_ = io::TxDatagram{ByteSpan(tx_.data(), t.bytes),
                              static_cast<std::uint16_t>(t.segments > 1 ? t.segment_size : 0), t.tuple.remote,
                              {}, static_cast<io::Ecn>(t.ecn)};
    has_pending_ = true;
    if (!flush_pending()) break;  // socket full: wait for it to drain
  }
  return ok_status();
}

Status UdpNode::pump(Timestamp now) {
  TQUIC_TRY(receive(now));
  if (endpoint_->next_deadline() <= now) endpoint_->on_timeout(now);
  return send(now);
}

}  // namespace tquic::demo
