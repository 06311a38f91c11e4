#include "h3/fetch_app.h"

#include <limits>

namespace tquic::h3 {
namespace {

constexpr std::size_t kNoIndex = std::numeric_limits<std::size_t>::max();

}  // namespace

FetchApp::FetchApp(std::vector<FetchRequest> requests, ResponseSink& sink, FetchOptions options,
                   const SessionConfig& config)
    : requests_(std::move(requests)), sink_(sink), options_(std::move(options)),
      session_(wire::Role::client, config), results_(requests_.size()), ended_(requests_.size(), false) {
  if (options_.max_concurrent == 0) options_.max_concurrent = 1;
}

std::size_t FetchApp::index_of(transport::StreamId id) const {
  const auto it = by_stream_.find(id);
  return it == by_stream_.end() ? kNoIndex : it->second;
}

void FetchApp::complete(std::size_t index) {
  if (ended_[index]) return;
  ended_[index] = true;
  ++completed_;
  sink_.on_complete(index, results_[index]);
}

void FetchApp::submit_more(transport::Connection& conn, Timestamp now) {
  while (next_ < requests_.size() && in_flight_ < options_.max_concurrent && !session_.closing()) {
    const FetchRequest& r = requests_[next_];
    header_scratch_.clear();
    for (const auto& [name, value] : r.headers) header_scratch_.push_back(FieldLine{name, value});
    RequestSpec spec;
    spec.method = r.method;
    spec.scheme = options_.scheme;
    spec.authority = options_.authority;
    spec.path = r.path;
    spec.headers = header_scratch_;
    auto id = session_.submit_request(conn, spec, true, now);
    if (!id && id.error().kind == ErrorKind::blocked) return;  // not started, or stream limit
    const std::size_t index = next_++;
    if (!id) {
      results_[index].error = id.error().reason;
      complete(index);
      continue;
    }
    by_stream_[*id] = index;
    ++in_flight_;
  }
}

void FetchApp::read_body(transport::Connection& conn, transport::StreamId id, std::size_t index, Timestamp now) {
  for (ByteSpan b = session_.peek_body(conn, id); !b.empty(); b = session_.peek_body(conn, id)) {
    sink_.on_body(index, b);
    results_[index].body_bytes += b.size();
    session_.consume_body(conn, id, b.size(), now);
  }
}

void FetchApp::fail_unfinished(std::uint64_t code) {
  for (std::size_t i = 0; i < requests_.size(); ++i) {
    if (ended_[i]) continue;
    results_[i].error_code = code;
    if (i >= next_) results_[i].error = "connection closed before the request was sent";
    complete(i);
  }
  in_flight_ = 0;
}

void FetchApp::drain(transport::Connection& conn, Timestamp now) {
  SessionEvent ev;
  while (session_.poll_event(ev)) {
    if (ev.type == SessionEventType::closed) {
      fail_unfinished(ev.error_code);
      continue;
    }
    const std::size_t index = index_of(ev.stream_id);
    if (index == kNoIndex || ended_[index]) continue;
    switch (ev.type) {
      case SessionEventType::response:
        results_[index].status = session_.response(ev.stream_id)->status;
        sink_.on_response(index, *session_.response(ev.stream_id), session_.headers(ev.stream_id));
        break;
      case SessionEventType::data: read_body(conn, ev.stream_id, index, now); break;
      case SessionEventType::finished:
        results_[index].complete = true;
        --in_flight_;
        complete(index);
        break;
      case SessionEventType::stream_reset:
        results_[index].error_code = ev.error_code;
        --in_flight_;
        complete(index);
        break;
      default: break;
    }
  }
}

void FetchApp::advance(transport::Connection& conn, Timestamp now) {
  drain(conn, now);
  submit_more(conn, now);
  drain(conn, now);
  if (done() && options_.close_when_done && !session_.closing())
    session_.close(conn, H3Error::H3_NO_ERROR, "all requests done", now);
}

void FetchApp::on_connection_event(transport::Connection& conn, const transport::ConnectionEvent& ev,
                                   Timestamp now) {
  session_.on_connection_event(conn, ev, now);
  advance(conn, now);
}

void FetchApp::poll(transport::Connection& conn, Timestamp now) {
  session_.poll(conn, now);
  advance(conn, now);
}

}  // namespace tquic::h3
