#include "transport/qlog/qlog_trace.h"

#include <algorithm>

namespace tquic::transport::qlog {

QlogTrace::QlogTrace(std::unique_ptr<QlogSink> sink, Timestamp reference_time)
    : sink_(std::move(sink)), w_(4096), reference_(reference_time), last_time_(reference_time) {}

void QlogTrace::write_header(const QlogTraceInfo& info) {
  w_.clear();
  w_.raw(std::string_view(&kRecordSeparator, 1));
  w_.begin_object();
  w_.field("file_schema", kFileSchemaSequential);
  w_.field("serialization_format", kSerializationFormat);
  w_.field("title", "tquic");
  w_.key("trace");
  w_.begin_object();
  w_.key("common_fields");
  w_.begin_object();
  w_.key("group_id");
  w_.hex(info.original_dcid);
  w_.field("time_format", "relative_to_epoch");
  w_.key("reference_time");
  w_.begin_object();
  w_.field("clock_type", "monotonic");
  w_.field("epoch", "unknown");
  w_.end_object();
  // Private field: the caller's clock at the reference time, so traces of
  // both ends taken on one clock (the simulator, one host) line up.
  w_.field("reference_monotonic_ns", to_ns(reference_));
  w_.end_object();
  w_.key("vantage_point");
  w_.begin_object();
  w_.field("name", "tquic");
  w_.field("type", info.role == wire::Role::client ? "client" : "server");
  w_.end_object();
  w_.key("event_schemas");
  w_.begin_array();
  w_.string(kQuicEventSchema);
  w_.end_array();
  w_.end_object();
  w_.end_object();
  emit();
}

JsonWriter& QlogTrace::begin_event(Timestamp now, std::string_view name) {
  last_time_ = std::max(last_time_, now);
  w_.clear();
  w_.raw(std::string_view(&kRecordSeparator, 1));
  w_.begin_object();
  w_.field("time", last_time_ - reference_);
  w_.field("name", name);
  w_.key("data");
  w_.begin_object();
  return w_;
}

void QlogTrace::end_event() {
  w_.end_object();  // data
  w_.end_object();  // event
  emit();
}

void QlogTrace::emit() {
  w_.raw("\n");
  ++records_;
  sink_->write(w_.view());
}

}  // namespace tquic::transport::qlog
