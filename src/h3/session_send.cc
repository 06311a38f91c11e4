// Session: our messages (RFC 9114 §4.1): requests, responses, QPACK-encoded
// header sections (RFC 9204 §2.1) and content in DATA frames.
#include <algorithm>

#include "h3/frames.h"
#include "h3/session.h"

namespace tquic::h3 {
namespace {

// Room in front of an encoded section for its HEADERS frame header.
constexpr std::size_t kFrameHeadroom = 16;
// Slack over the RFC 9114 §4.2.2 size: an encoded section is never larger
// than its lines plus 32 bytes each, except for the section prefix.
constexpr std::size_t kEncodeSlack = 64;
constexpr std::uint64_t kMaxSentFieldSection = 1u << 20;
// Largest DATA frame we announce at once: a frame whose bytes the stream
// does not take yet commits the next send_body() call to them.
constexpr std::uint64_t kMaxDataFrame = 64 * 1024;

}  // namespace

Status Session::write_field_section(transport::Connection& conn, MessageStream& s,
                                    std::span<const FieldLine> lines) {
  const std::uint64_t size = field_section_size(lines);
  if (size > peer_settings().max_field_section_size)
    return Error::local("header section larger than the peer's SETTINGS_MAX_FIELD_SECTION_SIZE");
  if (size > kMaxSentFieldSection) return Error::local("header section larger than 1 MiB");
  qpack_lines_.clear();
  for (const FieldLine& f : lines) qpack_lines_.push_back(qpack::FieldLine{f.name, f.value, false});
  const std::size_t need = kFrameHeadroom + static_cast<std::size_t>(size) + kEncodeSlack;
  if (encode_buffer_.size() < need) encode_buffer_.resize(need);
  ByteWriter section(MutByteSpan(encode_buffer_).subspan(kFrameHeadroom));
  ByteWriter instructions(encoder_instructions_);
  auto encoded = encoder_.encode_field_section(s.id, qpack_lines_, section, instructions);
  // Inserts are valid even if encoding failed: they must reach the peer.
  if (instructions.written() > 0) {
    if (!encoder_id_) return Error::local("QPACK encoder stream not open");
    TQUIC_TRY(encoder_out_.write(conn, *encoder_id_, instructions.data()));
  }
  if (!encoded) return encoded.error();
  const std::uint64_t type = to_wire(FrameType::headers);
  const std::size_t header = frame_header_size(type, section.written());
  if (header == 0 || header > kFrameHeadroom) return Error::local("HEADERS frame too large");
  const std::size_t start = kFrameHeadroom - header;
  ByteWriter hw(MutByteSpan(encode_buffer_).subspan(start, header));
  if (!write_frame_header(hw, type, section.written())) return Error::local("HEADERS frame header");
  return s.out.write(conn, s.id, ByteSpan(encode_buffer_).subspan(start, header + section.written()));
}

void Session::build_request_lines(const RequestSpec& r) {
  // §4.4: a plain CONNECT carries neither :scheme nor :path.
  const bool plain_connect = r.method == "CONNECT" && r.protocol.empty();
  lines_.clear();
  lines_.push_back(FieldLine{":method", r.method});
  if (!plain_connect) lines_.push_back(FieldLine{":scheme", r.scheme});
  if (!r.authority.empty()) lines_.push_back(FieldLine{":authority", r.authority});
  if (!plain_connect) lines_.push_back(FieldLine{":path", r.path});
  if (!r.protocol.empty()) lines_.push_back(FieldLine{":protocol", r.protocol});
  lines_.insert(lines_.end(), r.headers.begin(), r.headers.end());
}

Result<transport::StreamId> Session::submit_request(transport::Connection& conn, const RequestSpec& request,
                                                    bool end_stream, Timestamp now) {
  Call c{conn, now};
  if (role_ != wire::Role::client) return Error::local("only a client sends requests");
  if (closing_) return Error::local("the connection is closing");
  if (goaway_sent_) return Error::local("shutdown() was called: no new requests");
  if (const auto g = peer_goaway_id(); g && next_request_id_ >= *g)
    return Error::local("the server sent GOAWAY: send new requests on a new connection");
  ensure_started(c);
  if (!started()) return Error::blocked("HTTP/3 session not started: the connection is not established");
  if (!request.protocol.empty() && !peer_settings().enable_connect_protocol)
    return Error::local("extended CONNECT needs the server's SETTINGS_ENABLE_CONNECT_PROTOCOL");
  build_request_lines(request);
  RequestRules rules;
  rules.allow_extended_connect = true;
  auto head = validate_request_header(lines_, rules);
  if (!head) return Error::local(head.error().reason);
  if (field_section_size(lines_) > peer_settings().max_field_section_size)
    return Error::local("header section larger than the peer's SETTINGS_MAX_FIELD_SECTION_SIZE");
  TQUIC_TRY_ASSIGN(const transport::StreamId id, conn.open_stream(true));
  next_request_id_ = id + 4;
  MessageStream& s = create(id, MessageStreamKind::response);
  const bool connect = head->is_connect || head->is_extended_connect;
  s.method = connect ? MethodClass::connect : head->method == "HEAD" ? MethodClass::head : MethodClass::other;
  s.tunnel = connect;
  s.headers_sent = true;
  Status st = write_field_section(conn, s, lines_);
  if (st && end_stream) st = s.out.finish(conn, id);
  if (!st) {
    abort_stream(c, s, static_cast<std::uint64_t>(H3Error::H3_REQUEST_CANCELLED), false);
    return st.error();
  }
  ++stats_.requests_sent;
  return id;
}

Status Session::respond(transport::Connection& conn, MessageStream& s, std::uint16_t status,
                        std::span<const FieldLine> headers, bool end_stream) {
  if (status < 100 || status > 599 || status == 101) return Error::local("status must be 100..599, not 101");
  const bool interim = status < 200;
  if (interim && end_stream) return Error::local("an interim response cannot end the stream");
  const char digits[3] = {static_cast<char>('0' + status / 100), static_cast<char>('0' + status / 10 % 10),
                          static_cast<char>('0' + status % 10)};
  lines_.clear();
  lines_.push_back(FieldLine{":status", std::string_view(digits, 3)});
  lines_.insert(lines_.end(), headers.begin(), headers.end());
  if (auto v = validate_response_header(lines_); !v) return Error::local(v.error().reason);
  TQUIC_TRY(write_field_section(conn, s, lines_));
  if (interim) return ok_status();
  s.headers_sent = true;
  s.tunnel = s.tunnel && status < 300;  // §4.4: only a 2xx opens the tunnel
  if (end_stream) {
    TQUIC_TRY(s.out.finish(conn, s.id));
    maybe_retire(s);
  }
  return ok_status();
}

Status Session::send_response(transport::Connection& conn, transport::StreamId id, std::uint16_t status,
                              std::span<const FieldLine> headers, bool end_stream) {
  if (role_ != wire::Role::server) return Error::local("only a server sends responses");
  MessageStream* s = find(id);
  if (s == nullptr || !s->head_received) return Error::local("no request on this stream");
  if (s->headers_sent || s->send_finished()) return Error::local("response already sent, or the stream was reset");
  return respond(conn, *s, status, headers, end_stream);
}

// DATA frames are announced for the bytes offered (at most kMaxDataFrame);
// payload goes straight from `data` into the stream's send buffer.
Result<std::size_t> Session::write_body(transport::Connection& conn, MessageStream& s, ByteSpan data, bool fin) {
  if (fin && s.frame_remaining > data.size())
    return Error::local("fin before the bytes of the announced DATA frame");
  TQUIC_TRY(s.out.flush(conn, s.id));
  std::size_t taken = 0;
  while (s.out.size() == 0 && taken < data.size()) {
    if (s.frame_remaining == 0) {
      s.frame_remaining = std::min<std::uint64_t>(data.size() - taken, kMaxDataFrame);
      std::uint8_t header[16];
      ByteWriter w(header);
      if (!write_frame_header(w, to_wire(FrameType::data), s.frame_remaining))
        return Error::local("DATA frame header");
      TQUIC_TRY(s.out.write(conn, s.id, w.data()));
      if (s.out.size() > 0) break;
    }
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(s.frame_remaining, data.size() - taken));
    TQUIC_TRY_ASSIGN(const std::size_t written, conn.stream_write(s.id, data.subspan(taken, n), false));
    taken += written;
    s.frame_remaining -= written;
    if (written < n) break;
  }
  if (taken == data.size() && fin) {
    TQUIC_TRY(s.out.finish(conn, s.id));
    maybe_retire(s);
  }
  return taken;
}

Result<std::size_t> Session::send_body(transport::Connection& conn, transport::StreamId id, ByteSpan data,
                                       bool fin) {
  MessageStream* s = find(id);
  if (s == nullptr) return Error::local("unknown or finished stream");
  if (!s->headers_sent) return Error::local("send the header section first");
  if (s->send_reset) return Error::local("the stream was reset");
  if (s->out.fin_requested()) return Error::local("the message is already finished");
  return write_body(conn, *s, data, fin);
}

}  // namespace tquic::h3
