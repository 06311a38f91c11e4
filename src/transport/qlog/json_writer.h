// A small hand-written JSON writer (RFC 8259) for qlog records. It appends
// to one buffer that is cleared, not freed, between records, so after the
// first few records it does not allocate. Commas are placed automatically;
// strings are escaped (quotes, backslash, control characters) and invalid
// UTF-8 is replaced by U+FFFD, so any byte string yields valid JSON.
//
//   JsonWriter w;
//   w.begin_object();
//   w.key("name"); w.string("quic:packet_sent");
//   w.field("packet_number", 7);          // key + value
//   w.key("raw"); w.begin_object(); w.field("length", 1252); w.end_object();
//   w.end_object();                       // w.view(): {"name":...}
//
// Keys are written verbatim: pass lowercase ASCII literals (qlog field
// names), never data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/time.h"

namespace tquic::transport::qlog {

class JsonWriter {
 public:
  static constexpr int kMaxDepth = 32;

  explicit JsonWriter(std::size_t reserve = 0) { buffer_.reserve(reserve); }

  // Starts over; keeps the buffer's capacity.
  void clear();
  std::string_view view() const { return buffer_; }
  std::size_t capacity() const { return buffer_.capacity(); }
  // Appends bytes outside any JSON structure (the JSON-SEQ record framing).
  void raw(std::string_view bytes) { buffer_.append(bytes); }

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view k);

  // Values.
  void string(std::string_view s);
  void string(ByteSpan bytes);               // bytes that are likely UTF-8 (reason phrases)
  void hex(ByteSpan bytes);                  // "0a1b..." (qlog hexstring)
  void hex32(std::uint32_t v);               // 8 hex digits (qlog QuicVersion)
  void uint(std::uint64_t v);
  void sint(std::int64_t v);
  void boolean(bool v);
  void null();
  void real(double v);                       // shortest round-trip form; NaN/inf -> null
  void millis(Duration d);                   // milliseconds, microsecond precision, exact
  void uint_as_string(std::uint64_t v);      // "42"

  // key + value.
  template <class V>
  void field(std::string_view k, const V& v) {
    key(k);
    value(v);
  }

  int depth() const { return depth_; }

 private:
  void value(std::string_view s) { string(s); }
  void value(const char* s) { string(std::string_view(s)); }
  void value(bool v) { boolean(v); }
  void value(Duration d) { millis(d); }
  void value(double v) { real(v); }
  void value(std::uint64_t v) { uint(v); }
  void value(std::uint32_t v) { uint(v); }
  void value(std::uint16_t v) { uint(v); }
  void value(std::uint8_t v) { uint(v); }
  void value(int v) { sint(v); }
  void value(std::int64_t v) { sint(v); }

  void before_value();
  void append_escaped(std::string_view s);

  std::string buffer_;
  std::uint64_t has_member_ = 0;  // bit d: the container at depth d already has a member
  int depth_ = 0;
  bool after_key_ = false;
};

// Writes `s` escaped as the body of a JSON string (without quotes) to `out`;
// exposed for tests and for the few places that build strings piecewise.
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace tquic::transport::qlog
