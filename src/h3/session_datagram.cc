// Session: HTTP Datagrams over QUIC DATAGRAM frames (RFC 9297 §2.1, §3).
#include <algorithm>
#include <cstring>

#include "h3/http_datagram.h"
#include "h3/session.h"

namespace tquic::h3 {

// §2.1.1: usable once both sides sent SETTINGS_H3_DATAGRAM=1.
bool Session::datagrams_enabled() const { return config_.enable_datagrams && peer_settings().h3_datagram; }

Status Session::send_datagram(transport::Connection& conn, transport::StreamId id, ByteSpan payload) {
  if (!datagrams_enabled()) return Error::local("HTTP datagrams not negotiated (SETTINGS_H3_DATAGRAM)");
  const MessageStream* s = find(id);
  // §2: only requests that define datagram semantics (CONNECT and its
  // extensions), and only while our side of the stream is open (§2.1).
  if (s == nullptr || !s->tunnel || s->send_finished())
    return Error::local("HTTP datagrams need an open CONNECT or extended CONNECT stream");
  const std::size_t size = http_datagram_overhead(id) + payload.size();
  if (size > conn.max_datagram_payload()) return Error::local("HTTP datagram larger than the peer accepts");
  if (datagram_buffer_.size() < size) datagram_buffer_.resize(std::max<std::size_t>(size, 1500));
  ByteWriter w(datagram_buffer_);
  if (!write_http_datagram(w, id, payload)) return Error::local("HTTP datagram does not fit");
  TQUIC_TRY(conn.send_datagram(w.data()));
  ++stats_.datagrams_sent;
  return ok_status();
}

// §2.1: datagrams for a stream not (yet) open or whose receiving side is
// closed are dropped; §2: one for a request without datagram semantics
// aborts that request with H3_DATAGRAM_ERROR.
bool Session::datagram_accepted(Call& c, transport::StreamId stream_id) {
  MessageStream* s = find(stream_id);
  if (s == nullptr || s->recv_done) return false;
  if (role_ == wire::Role::server && !s->head_received) return false;
  if (!s->tunnel) {
    abort_stream(c, *s, static_cast<std::uint64_t>(H3Error::H3_DATAGRAM_ERROR), true);
    return false;
  }
  return true;
}

Result<ReceivedDatagram> Session::read_datagram(transport::Connection& conn, MutByteSpan buffer, Timestamp now) {
  Call c{conn, now};
  for (;;) {
    TQUIC_TRY_ASSIGN(const std::size_t n, conn.read_datagram(buffer));
    if (closing_ || !config_.enable_datagrams) {  // we never offered to receive them
      ++stats_.datagrams_dropped;
      continue;
    }
    auto d = decode_http_datagram(buffer.first(n));
    if (!d) {  // §2.1: malformed Quarter Stream ID
      connection_error(c, d.error());
      return d.error();
    }
    const transport::StreamId id = d->stream_id();
    if (!datagram_accepted(c, id)) {
      ++stats_.datagrams_dropped;
      continue;
    }
    const std::size_t size = d->payload.size();
    std::memmove(buffer.data(), d->payload.data(), size);
    ++stats_.datagrams_received;
    return ReceivedDatagram{id, size};
  }
}

}  // namespace tquic::h3
