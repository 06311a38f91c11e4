// HTTP/3 frame layer fuzzer. Input: flags (1 byte), chunking seed (4 bytes),
// then a body used twice:
//  1. as raw stream bytes, fed in pseudo-random chunks to the frame reader,
//     the control stream and the request stream state machines. The chunked
//     frame-reader transcript (a hash over events, DATA pieces merged) and
//     its error must equal those of a one-chunk parse; every view handed out
//     must lie inside the chunk or be a complete buffered payload; every
//     error must be an HTTP/3 code (never a local "can't happen" error).
//  2. as a script of frames to encode (every frame type, SETTINGS with
//     arbitrary values, grease), which are then read back through the frame
//     reader in random chunks and compared field by field.
// Also: unidirectional stream headers, SETTINGS payloads and HTTP datagrams
// decoded from the body, each re-encoded when it decodes.
#include <array>
#include <cstddef>
#include <cstdint>

#include "h3/control_stream.h"
#include "h3/frame_reader.h"
#include "h3/frames.h"
#include "h3/h3_error.h"
#include "h3/http_datagram.h"
#include "h3/request_stream.h"
#include "h3/settings.h"
#include "h3/stream_types.h"
#include "wire/varint.h"

namespace tquic::h3 {
namespace {

constexpr std::size_t kMaxInput = 1 << 16;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Errors from the h3 layer are HTTP/3 codes with kind transport.
void check_h3_error(const Error& e) {
  check(e.kind == ErrorKind::transport);
  check((e.code >= 0x100 && e.code <= 0x110) || e.code == 0x33);
}

// Deterministic chunk sizes from the seed.
class Chunker {
 public:
  explicit Chunker(std::uint32_t seed) : state_(seed | 1) {}
  std::size_t next(std::size_t remaining) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    const std::size_t pick = state_ % 4 == 0 ? state_ % 300 : state_ % 9;
    const std::size_t n = pick + 1;
    return n < remaining ? n : remaining;
  }

 private:
  std::uint32_t state_;
};

std::uint64_t mix(std::uint64_t h, std::uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }

struct ReaderOutcome {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  bool failed = false;
  std::uint64_t error_code = 0;
  bool boundary = false;
};

// Feeds `body` to a frame reader in chunks of sizes from `chunker` (or one
// chunk if null), checking the reader's contract along the way.
ReaderOutcome run_reader(ByteSpan body, Chunker* chunker) {
  FrameReaderLimits limits;
  limits.max_field_section_frame = 4096;
  limits.max_settings_frame = 512;
  FrameReader reader(limits);
  ReaderOutcome out;
  std::size_t pos = 0;
  while (pos < body.size() && !out.failed) {
    const std::size_t n = chunker ? chunker->next(body.size() - pos) : body.size() - pos;
    const ByteSpan chunk = body.subspan(pos, n);
    pos += n;
    ByteSpan in = chunk;
    for (std::size_t guard = 0;; ++guard) {
      check(guard <= 2 * chunk.size() + 4);  // every event makes progress
      auto ev = reader.next(in);
      if (!ev) {
        check_h3_error(ev.error());
        check(reader.failed());
        out.failed = true;
        out.error_code = ev.error().code;
        break;
      }
      check(ev->consumed <= in.size());
      in = in.subspan(ev->consumed);
      if (ev->kind == FrameEventKind::need_more) {
        check(in.empty());
        break;
      }
      if (ev->kind == FrameEventKind::data) {
        check(!ev->payload.empty());
        check(ev->payload.data() >= chunk.data() &&
              ev->payload.data() + ev->payload.size() <= chunk.data() + chunk.size());
        for (std::uint8_t b : ev->payload) out.hash = mix(out.hash, b);
        continue;
      }
      out.hash = mix(mix(mix(out.hash, static_cast<std::uint64_t>(ev->kind)), ev->type), ev->length);
      if (ev->kind == FrameEventKind::frame) {
        check(ev->payload.size() == ev->length);
        for (std::uint8_t b : ev->payload) out.hash = mix(out.hash, b);
      }
    }
  }
  out.boundary = !out.failed && reader.finish().ok();
  check(out.boundary == (!out.failed && reader.at_frame_boundary()));
  return out;
}

void fuzz_control(ByteSpan body, wire::Role role, Chunker& chunker) {
  ControlStreamReceiver rx(role);
  rx.set_local_max_push_id(body.size());
  rx.on_push_promised(3);
  std::size_t pos = 0;
  while (pos < body.size()) {
    const std::size_t n = chunker.next(body.size() - pos);
    ByteSpan in = body.subspan(pos, n);
    pos += n;
    for (;;) {
      auto ev = rx.next(in);
      if (!ev) {
        check_h3_error(ev.error());
        return;
      }
      in = in.subspan(ev->consumed);
      if (ev->kind == ControlEventKind::need_more) break;
      if (ev->kind == ControlEventKind::settings) check(rx.settings_received());
    }
  }
  check_h3_error(rx.on_stream_end().error());
}

void fuzz_request(ByteSpan body, std::uint8_t flags, Chunker& chunker) {
  const auto kind = static_cast<MessageStreamKind>(flags % 3);
  RequestStreamReceiver rx(kind);
  std::uint32_t classify = flags;
  std::size_t pos = 0;
  while (pos < body.size()) {
    const std::size_t n = chunker.next(body.size() - pos);
    ByteSpan in = body.subspan(pos, n);
    pos += n;
    for (;;) {
      auto ev = rx.next(in);
      if (!ev) {
        check_h3_error(ev.error());
        return;
      }
      in = in.subspan(ev->consumed);
      if (ev->kind == RequestEventKind::need_more) break;
      if (ev->kind != RequestEventKind::headers) continue;
      HeaderSectionInfo info;
      classify = classify * 1103515245u + 12345u;
      info.interim = kind != MessageStreamKind::request && (classify >> 8) % 3 == 0;
      if ((classify >> 12) % 2 == 0) info.content_length = (classify >> 16) % 64;
      info.no_content = (classify >> 22) % 5 == 0;
      info.tunnel = (classify >> 26) % 7 == 0;
      check(rx.accept_header_section(info).ok());
    }
  }
  if (auto s = rx.on_fin(); !s) check_h3_error(s.error());
}

// The payload of a frame written into a contiguous buffer.
ByteSpan payload_of(ByteSpan frame) {
  ByteReader r(frame);
  std::uint64_t type = 0;
  std::uint64_t length = 0;
  check(wire::read_varint(r, type) && wire::read_varint(r, length));
  check(length == r.remaining());
  return r.rest();
}

std::array<std::uint8_t, kMaxInput + 64> g_out;

void fuzz_decoders(ByteSpan body) {
  if (auto s = parse_settings_payload(body)) {
    ByteWriter w(MutByteSpan(g_out.data(), g_out.size()));
    check(write_settings_frame(w, *s));
    auto again = parse_settings_payload(payload_of(w.data()));
    check(again.ok() && *again == *s);
  } else {
    check_h3_error(s.error());
  }
  if (auto d = decode_http_datagram(body)) {
    check(d->quarter_stream_id <= kMaxQuarterStreamId);
    ByteWriter w(MutByteSpan(g_out.data(), g_out.size()));
    check(write_http_datagram(w, d->stream_id(), d->payload));
    check(w.written() <= body.size());
    auto again = decode_http_datagram(w.data());
    check(again.ok() && again->quarter_stream_id == d->quarter_stream_id &&
          again->payload.size() == d->payload.size());
  } else {
    check(is_h3_error(d.error(), H3Error::H3_DATAGRAM_ERROR));
  }
  UniStreamHeaderReader header;
  const auto o = header.feed(body);
  check(o.consumed <= body.size());
  check(o.complete == header.complete());
  if (o.complete) check(o.kind == classify_stream_type(o.type));
}

// ---- Round trip: a script of frames, encoded then read back ----------------

struct FrameSpec {
  std::uint64_t type = 0;
  std::uint64_t value = 0;  // push ID / stream ID
  Settings settings{};
  ByteSpan payload{};
};

constexpr std::size_t kMaxSpecs = 64;

// Reads up to kMaxSpecs frame descriptions from `script`.
std::size_t read_script(ByteSpan script, std::array<FrameSpec, kMaxSpecs>& specs) {
  ByteReader r(script);
  std::size_t count = 0;
  std::uint8_t op = 0;
  while (count < kMaxSpecs && r.read_u8(op)) {
    FrameSpec& f = specs[count];
    std::uint8_t len = 0;
    bool ok = true;
    switch (op % 8) {
      case 0: f.type = 0x00; break;
      case 1: f.type = 0x01; break;
      case 2: f.type = 0x03; ok = wire::read_varint(r, f.value); break;
      case 3: {
        f.type = 0x04;
        ok = wire::read_varint(r, f.settings.qpack_max_table_capacity) &&
             wire::read_varint(r, f.settings.qpack_blocked_streams) &&
             wire::read_varint(r, f.value);
        if (op & 0x08) f.settings.max_field_section_size = f.value;
        f.settings.enable_connect_protocol = (op & 0x10) != 0;
        f.settings.h3_datagram = (op & 0x20) != 0;
        break;
      }
      case 4: f.type = 0x05; ok = wire::read_varint(r, f.value); break;
      case 5: f.type = 0x07; ok = wire::read_varint(r, f.value); break;
      case 6: f.type = 0x0d; ok = wire::read_varint(r, f.value); break;
      default: {
        ok = wire::read_varint(r, f.value);
        f.type = reserved_type(f.value % (kMaxReservedIndex + 1));
        break;
      }
    }
    if (!ok) break;
    if (op % 8 == 0 || op % 8 == 1 || op % 8 == 4 || op % 8 == 7) {
      if (!r.read_u8(len)) len = 0;
      const std::size_t n = len < r.remaining() ? len : r.remaining();
      r.read_span(n, f.payload);
    }
    ++count;
  }
  return count;
}

bool encode_spec(ByteWriter& w, const FrameSpec& f) {
  switch (f.type) {
    case 0x00: return write_data_frame(w, f.payload);
    case 0x01: return write_headers_frame(w, f.payload);
    case 0x03: return write_cancel_push_frame(w, f.value);
    case 0x04: return write_settings_frame(w, f.settings);
    case 0x05: return write_push_promise_frame(w, f.value, f.payload);
    case 0x07: return write_goaway_frame(w, f.value);
    case 0x0d: return write_max_push_id_frame(w, f.value);
    default: return write_frame(w, f.type, f.payload);
  }
}

void check_decoded(const FrameSpec& f, ByteSpan payload) {
  switch (f.type) {
    case 0x01: {
      check(payload.size() == f.payload.size());
      for (std::size_t i = 0; i < payload.size(); ++i) check(payload[i] == f.payload[i]);
      break;
    }
    case 0x04: {
      auto s = parse_settings_payload(payload);
      check(s.ok() && *s == f.settings);
      break;
    }
    case 0x05: {
      auto p = parse_push_promise_payload(payload);
      check(p.ok() && p->push_id == f.value && p->encoded_field_section.size() == f.payload.size());
      break;
    }
    default: {
      auto v = parse_single_varint_payload(payload);
      check(v.ok() && *v == f.value);
    }
  }
}

// Walks the reader's events over `encoded`, matching them to `specs`.
void check_round_trip(const std::array<FrameSpec, kMaxSpecs>& specs, std::size_t count,
                      ByteSpan encoded, Chunker& chunker) {
  FrameReader reader(FrameReaderLimits{kMaxInput, kMaxInput});
  std::size_t index = 0;       // spec of the current frame (after its header)
  std::size_t data_seen = 0;   // DATA payload bytes matched so far
  std::size_t pos = 0;
  while (pos < encoded.size()) {
    const std::size_t n = chunker.next(encoded.size() - pos);
    ByteSpan in = encoded.subspan(pos, n);
    pos += n;
    for (;;) {
      auto ev = reader.next(in);
      check(ev.ok());
      in = in.subspan(ev->consumed);
      if (ev->kind == FrameEventKind::need_more) break;
      if (ev->kind == FrameEventKind::frame_header) {
        check(index < count);
        const FrameSpec& f = specs[index++];
        check(ev->type == f.type);
        if (f.type == 0x00 || f.type == 0x01 || is_reserved_frame_type(f.type))
          check(ev->length == f.payload.size());
        data_seen = 0;
        continue;
      }
      const FrameSpec& f = specs[index - 1];
      if (ev->kind == FrameEventKind::data) {
        for (std::uint8_t b : ev->payload) check(b == f.payload[data_seen++]);
        continue;
      }
      check_decoded(f, ev->payload);
    }
  }
  check(index == count);
  check(reader.finish().ok());
}

void fuzz_round_trip(ByteSpan script, Chunker& chunker) {
  std::array<FrameSpec, kMaxSpecs> specs{};
  const std::size_t count = read_script(script, specs);
  ByteWriter w(MutByteSpan(g_out.data(), g_out.size()));
  for (std::size_t i = 0; i < count; ++i) check(encode_spec(w, specs[i]));
  check_round_trip(specs, count, w.data(), chunker);
}

}  // namespace
}  // namespace tquic::h3

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tquic::h3;
  if (size < 5 || size > kMaxInput) return 0;
  const std::uint8_t flags = data[0];
  const std::uint32_t seed = static_cast<std::uint32_t>(data[1]) << 24 |
                             static_cast<std::uint32_t>(data[2]) << 16 |
                             static_cast<std::uint32_t>(data[3]) << 8 | data[4];
  const tquic::ByteSpan body(data + 5, size - 5);

  Chunker chunker(seed);
  const ReaderOutcome whole = run_reader(body, nullptr);
  const ReaderOutcome chunked = run_reader(body, &chunker);
  check(whole.hash == chunked.hash && whole.failed == chunked.failed &&
        whole.error_code == chunked.error_code && whole.boundary == chunked.boundary);

  fuzz_control(body, (flags & 1) ? tquic::wire::Role::client : tquic::wire::Role::server, chunker);
  fuzz_request(body, flags >> 1, chunker);
  fuzz_decoders(body);
  fuzz_round_trip(body, chunker);
  return 0;
}
