#include "apps/perf_protocol.h"

#include <algorithm>
#include <cstring>

#include "wire/varint.h"

namespace tquic::apps::perf {
namespace {

using wire::read_varint;
using wire::write_varint;

bool write_sample(ByteWriter& w, const ServerSample& s) {
  return write_varint(w, s.cpu_ns) && write_varint(w, s.cpu_user_us) && write_varint(w, s.cpu_system_us) &&
         write_varint(w, s.handshakes);
}

bool read_sample(ByteReader& r, ServerSample& s) {
  return read_varint(r, s.cpu_ns) && read_varint(r, s.cpu_user_us) && read_varint(r, s.cpu_system_us) &&
         read_varint(r, s.handshakes);
}

bool write_name(ByteWriter& w, std::string_view s) {
  return s.size() <= kMaxNameLength && write_varint(w, s.size()) &&
         w.write_bytes(ByteSpan(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

bool read_name(ByteReader& r, std::string& out) {
  std::uint64_t n = 0;
  ByteSpan b;
  if (!read_varint(r, n) || n > kMaxNameLength || !r.read_span(static_cast<std::size_t>(n), b)) return false;
  out.assign(reinterpret_cast<const char*>(b.data()), b.size());
  return true;
}

// The payload of `m` (without type and length).
bool write_payload(ByteWriter& w, const ControlMessage& m) {
  switch (m.type) {
    case MessageType::start:
      return write_varint(w, m.version) && write_varint(w, static_cast<std::uint64_t>(m.mode));
    case MessageType::start_ok:
      return write_sample(w, m.sample) && write_name(w, m.engine) && write_name(w, m.cc);
    case MessageType::finish:
      return true;
    case MessageType::stats:
      return write_sample(w, m.sample) && write_varint(w, m.bytes_received) && write_varint(w, m.bytes_sent) &&
             write_varint(w, m.data_streams);
  }
  return false;
}

// Reads the payload of a message of `type`; extra bytes at its end are
// ignored (a later version may append fields). Null, or why not.
const char* read_payload(ByteReader& r, std::uint64_t type, ControlMessage& m) {
  m = ControlMessage{};
  switch (type) {
    case static_cast<std::uint64_t>(MessageType::start): {
      std::uint64_t mode = 0;
      if (!read_varint(r, m.version) || !read_varint(r, mode)) return "START is truncated";
      if (m.version != kProtocolVersion) return "START asks for an unsupported protocol version";
      if (mode < static_cast<std::uint64_t>(Mode::up) || mode > static_cast<std::uint64_t>(Mode::handshake))
        return "START names an unknown mode";
      m.type = MessageType::start;
      m.mode = static_cast<Mode>(mode);
      return nullptr;
    }
    case static_cast<std::uint64_t>(MessageType::start_ok):
      m.type = MessageType::start_ok;
      return read_sample(r, m.sample) && read_name(r, m.engine) && read_name(r, m.cc) ? nullptr
                                                                                      : "START_OK is malformed";
    case static_cast<std::uint64_t>(MessageType::finish):
      m.type = MessageType::finish;
      return nullptr;
    case static_cast<std::uint64_t>(MessageType::stats):
      m.type = MessageType::stats;
      return read_sample(r, m.sample) && read_varint(r, m.bytes_received) && read_varint(r, m.bytes_sent) &&
                     read_varint(r, m.data_streams)
                 ? nullptr
                 : "STATS is truncated";
    default:
      return "unknown control message type";
  }
}

// Appends what fits of `data` to buf[len..]; returns how much.
template <std::size_t N>
std::size_t append(std::array<std::uint8_t, N>& buf, std::size_t& len, ByteSpan data) {
  const std::size_t take = std::min(data.size(), N - len);
  if (take > 0) std::memcpy(buf.data() + len, data.data(), take);
  len += take;
  return take;
}

}  // namespace

std::string_view mode_name(Mode m) {
  switch (m) {
    case Mode::up: return "up";
    case Mode::down: return "down";
    case Mode::bidi: return "bidi";
    case Mode::rr: return "rr";
    case Mode::handshake: return "handshake";
  }
  return "?";
}

bool write_control_preface(ByteWriter& w) { return write_varint(w, static_cast<std::uint64_t>(StreamType::control)); }

bool write_data_preface(ByteWriter& w, const DataHeader& h) {
  const std::uint64_t flags = h.respond_after_request ? kFlagRespondAfterRequest : 0;
  const std::size_t bytes_len = wire::varint_size(h.response_bytes);
  const std::size_t duration_len = wire::varint_size(h.response_duration_ms);
  if (bytes_len == 0 || duration_len == 0) return false;
  if (w.remaining() < wire::varint_size(static_cast<std::uint64_t>(StreamType::data)) + wire::varint_size(flags) +
                          bytes_len + duration_len)
    return false;
  return write_varint(w, static_cast<std::uint64_t>(StreamType::data)) && write_varint(w, flags) &&
         write_varint(w, h.response_bytes) && write_varint(w, h.response_duration_ms);
}

bool write_message(ByteWriter& w, const ControlMessage& m) {
  std::array<std::uint8_t, kMaxMessagePayload> payload{};
  ByteWriter p(payload);
  if (!write_payload(p, m)) return false;
  const std::size_t need = wire::varint_size(static_cast<std::uint64_t>(m.type)) + wire::varint_size(p.written()) +
                           p.written();
  return w.remaining() >= need && write_varint(w, static_cast<std::uint64_t>(m.type)) &&
         write_varint(w, p.written()) && w.write_bytes(p.data());
}

ParseStatus PrefaceParser::parse(std::size_t& length) {
  ByteReader r(ByteSpan(buf_.data(), len_));
  std::uint64_t type = 0;
  if (!read_varint(r, type)) return ParseStatus::need_more;
  if (type == static_cast<std::uint64_t>(StreamType::control)) {
    type_ = StreamType::control;
    length = r.position();
    return ParseStatus::done;
  }
  if (type != static_cast<std::uint64_t>(StreamType::data)) return (error_ = "unknown stream type"), ParseStatus::error;
  std::uint64_t flags = 0;
  if (!read_varint(r, flags) || !read_varint(r, header_.response_bytes) ||
      !read_varint(r, header_.response_duration_ms))
    return ParseStatus::need_more;
  if ((flags & ~kFlagRespondAfterRequest) != 0) return (error_ = "unknown data header flags"), ParseStatus::error;
  type_ = StreamType::data;
  header_.respond_after_request = (flags & kFlagRespondAfterRequest) != 0;
  length = r.position();
  return ParseStatus::done;
}

ParseStatus PrefaceParser::feed(ByteSpan data, std::size_t& consumed) {
  const std::size_t before = len_;
  const std::size_t taken = append(buf_, len_, data);
  std::size_t length = 0;
  const ParseStatus st = parse(length);
  consumed = st == ParseStatus::done ? length - before : taken;
  // The longest preface always fits: a full buffer that still needs more cannot happen.
  return st;
}

ParseStatus MessageParser::parse(std::size_t& length) {
  ByteReader r(ByteSpan(buf_.data(), len_));
  std::uint64_t type = 0, size = 0;
  if (!read_varint(r, type) || !read_varint(r, size)) return ParseStatus::need_more;
  if (size > kMaxMessagePayload) return (error_ = "control message too long"), ParseStatus::error;
  ByteSpan payload;
  if (!r.read_span(static_cast<std::size_t>(size), payload)) return ParseStatus::need_more;
  ByteReader pr(payload);
  if (const char* why = read_payload(pr, type, message_)) return (error_ = why), ParseStatus::error;
  length = r.position();
  return ParseStatus::done;
}

ParseStatus MessageParser::feed(ByteSpan data, std::size_t& consumed) {
  const std::size_t before = len_;
  const std::size_t taken = append(buf_, len_, data);
  std::size_t length = 0;
  const ParseStatus st = parse(length);
  if (st == ParseStatus::done) {
    consumed = length - before;
    len_ = 0;  // the next feed starts the next message
    return st;
  }
  consumed = taken;
  return st;
}

}  // namespace tquic::apps::perf
