// One qlog trace in the QlogFileSeq schema (draft-ietf-quic-qlog-main-schema
// "QlogFileSeq schema", "JSON Text Sequences"): a header record, then one
// record per event, each framed as RS (0x1E) + JSON + LF (RFC 7464) and
// handed to the sink as soon as it is complete.
//
// Times are milliseconds relative to the reference time (the Timestamp the
// connection was created at); the core never reads a clock, so the
// reference clock is "monotonic" with an "unknown" epoch. A record's time is
// never earlier than the previous record's (callers may pass slightly older
// receive timestamps; the log stays ordered).
//
//   JsonWriter& w = trace.begin_event(now, "quic:packet_sent");
//   w.field("...", ...);      // members of "data"
//   trace.end_event();
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "base/time.h"
#include "transport/qlog/json_writer.h"
#include "transport/qlog/qlog_sink.h"

namespace tquic::transport::qlog {

// Event schema URI of the draft implemented (draft-ietf-quic-qlog-quic-events
// §"Draft Event Schema Identification": draft implementations append
// "-<draft number>"; the text in specs/ is the version after draft 12).
inline constexpr std::string_view kQuicEventSchema = "urn:ietf:params:qlog:events:quic-13";
inline constexpr std::string_view kFileSchemaSequential = "urn:ietf:params:qlog:file:sequential";
inline constexpr std::string_view kSerializationFormat = "application/qlog+json-seq";
inline constexpr char kRecordSeparator = '\x1e';

class QlogTrace {
 public:
  QlogTrace(std::unique_ptr<QlogSink> sink, Timestamp reference_time);

  void write_header(const QlogTraceInfo& info);

  // Opens an event record; the returned writer is inside its "data" object.
  JsonWriter& begin_event(Timestamp now, std::string_view name);
  // Closes the record and hands it to the sink.
  void end_event();

  std::uint64_t records() const { return records_; }
  Timestamp reference_time() const { return reference_; }

 private:
  void emit();

  std::unique_ptr<QlogSink> sink_;
  JsonWriter w_;
  Timestamp reference_;
  Timestamp last_time_;
  std::uint64_t records_ = 0;
};

}  // namespace tquic::transport::qlog
