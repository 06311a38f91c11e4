// The `tquic perf` application protocol, ALPN "tquic-perf/1" (wire format
// in docs/PERF.md). Every stream is client-initiated and bidirectional and
// begins with a varint stream type:
//   CONTROL (0x70): then control messages both ways, each
//       type (varint) | length (varint) | payload (`length` bytes)
//     START    (0x01) c->s  version, mode
//     START_OK (0x02) s->c  server sample (CPU, handshakes), engine, cc
//     FINISH   (0x03) c->s  (empty)
//     STATS    (0x04) s->c  server sample, bytes received/sent and data
//                           streams of this connection; then FIN
//   DATA (0x71): then a header
//       flags (varint; bit 0: respond after the request's FIN)
//       response_bytes (varint) | response_duration_ms (varint)
//     then request bytes the server discards, and the client's FIN. The
//     server answers with response_bytes bytes (or, when the duration is
//     not 0, as many as it can send in that time) and FINs once both its
//     answer is out and the request was read to its FIN.
// Payload fields are varints; strings are a varint length and the bytes.
// Parsers take stream bytes in whatever pieces they arrive, buffer at most
// one header or message (a few hundred bytes, fixed) and never allocate
// except for the two short strings of START_OK.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace tquic::apps::perf {

inline constexpr std::string_view kAlpn = "tquic-perf/1";
inline constexpr std::uint64_t kProtocolVersion = 1;

enum class StreamType : std::uint64_t { control = 0x70, data = 0x71 };

// Application error codes (CONNECTION_CLOSE, RESET_STREAM, STOP_SENDING).
inline constexpr std::uint64_t kErrorNone = 0x0;
inline constexpr std::uint64_t kErrorProtocol = 0x101;   // malformed stream type, header or message
inline constexpr std::uint64_t kErrorStopped = 0x102;    // the client stopped the test (interrupted)

// What the client measures; START carries it so the server can log it.
enum class Mode : std::uint8_t { up = 1, down = 2, bidi = 3, rr = 4, handshake = 5 };
std::string_view mode_name(Mode m);  // "up", "down", "bidi", "rr", "handshake"

inline constexpr std::uint64_t kFlagRespondAfterRequest = 0x1;

struct DataHeader {
  bool respond_after_request = false;     // rr: the answer starts after the request's FIN
  std::uint64_t response_bytes = 0;
  std::uint64_t response_duration_ms = 0; // not 0: send for this long instead (response_bytes ignored)
};

// The server's process-wide counters at one moment: the client subtracts
// START_OK's sample from STATS's (over all its connections) to get the
// server's CPU and handshakes during the test.
struct ServerSample {
  std::uint64_t cpu_ns = 0;       // CLOCK_PROCESS_CPUTIME_ID
  std::uint64_t cpu_user_us = 0;  // getrusage
  std::uint64_t cpu_system_us = 0;
  std::uint64_t handshakes = 0;   // handshakes completed since the server started
};

enum class MessageType : std::uint64_t { start = 0x01, start_ok = 0x02, finish = 0x03, stats = 0x04 };

inline constexpr std::size_t kMaxNameLength = 32;       // START_OK's engine and cc
inline constexpr std::size_t kMaxMessagePayload = 128;

struct ControlMessage {
  MessageType type = MessageType::finish;
  // start
  std::uint64_t version = kProtocolVersion;
  Mode mode = Mode::down;
  // start_ok, stats
  ServerSample sample;
  // start_ok
  std::string engine;  // "uring", "mmsg"
  std::string cc;      // "bbr3", ...
  // stats: this connection's data streams
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t data_streams = 0;
};

// Longest encodings, for buffers.
inline constexpr std::size_t kMaxDataPreface = 1 + 3 * 8;
inline constexpr std::size_t kMaxMessage = 2 * 8 + kMaxMessagePayload;

// Each writes the whole item or nothing (false: no room, or a string too long).
bool write_control_preface(ByteWriter& w);
bool write_data_preface(ByteWriter& w, const DataHeader& header);
bool write_message(ByteWriter& w, const ControlMessage& message);

enum class ParseStatus : std::uint8_t { need_more, done, error };

// The beginning of a stream the server reads: the stream type and, for a
// data stream, its header.
class PrefaceParser {
 public:
  // Consumes bytes of `data` that belong to the preface (`consumed`); on
  // done, the rest of `data` is payload (data) or messages (control).
  ParseStatus feed(ByteSpan data, std::size_t& consumed);
  StreamType type() const { return type_; }
  const DataHeader& header() const { return header_; }
  const char* error() const { return error_; }

 private:
  ParseStatus parse(std::size_t& length);
  std::array<std::uint8_t, kMaxDataPreface> buf_{};
  std::size_t len_ = 0;
  StreamType type_ = StreamType::control;
  DataHeader header_;
  const char* error_ = "";
};

// Control messages from a control stream (after its stream type), one at
// a time.
class MessageParser {
 public:
  // Consumes bytes up to the end of the next message at most; on done,
  // message() holds it until the next feed().
  ParseStatus feed(ByteSpan data, std::size_t& consumed);
  const ControlMessage& message() const { return message_; }
  const char* error() const { return error_; }

 private:
  ParseStatus parse(std::size_t& length);
  std::array<std::uint8_t, kMaxMessage> buf_{};
  std::size_t len_ = 0;
  ControlMessage message_;
  const char* error_ = "";
};

}  // namespace tquic::apps::perf
