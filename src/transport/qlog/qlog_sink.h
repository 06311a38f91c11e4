// Where qlog records go (draft-ietf-quic-qlog-main-schema, "JSON Text
// Sequences"). The core formats records but never writes files: a caller
// that wants qlog gives the connection a QlogSinkFactory through
// ConnectionConfig::qlog, and the factory decides, per connection, whether
// to log (return a sink) or not (return nullptr). The runtime's file sink is
// runtime/qlog_file_sink.h; tests collect records in memory.
#pragma once

#include <memory>
#include <string_view>

#include "base/bytes.h"
#include "wire/role.h"

namespace tquic::transport {

// Receives the records of one connection, in order, on the connection's
// thread. Each record is one complete JSON-SEQ record (RFC 7464): 0x1E, one
// JSON object, '\n'. The first record is the QlogFileSeq header. The view is
// valid only during the call (the connection reuses its buffer).
class QlogSink {
 public:
  virtual ~QlogSink() = default;
  virtual void write(std::string_view record) = 0;
};

// What a factory learns about the connection it is asked to log.
struct QlogTraceInfo {
  wire::Role role = wire::Role::client;  // the trace's vantage point
  ByteSpan original_dcid;                // ODCID: group_id and, by convention, the file name
};

// Called once per connection, when it is created (never per packet).
// Returning nullptr switches qlog off for that connection: every event site
// then costs one predictable branch. The connection owns the sink and
// destroys it with itself. The factory must outlive the connections.
class QlogSinkFactory {
 public:
  virtual std::unique_ptr<QlogSink> open(const QlogTraceInfo& info) = 0;

 protected:
  ~QlogSinkFactory() = default;
};

}  // namespace tquic::transport
