#include "apps/h3_client_session.h"

#include <cstdio>

#include "h3/h3_error.h"
#include "h3/settings.h"

namespace tquic::apps {
namespace {

std::vector<h3::FetchRequest> fetch_requests(const ClientRequests& r) {
  std::vector<h3::FetchRequest> out;
  for (const std::string& p : r.paths) out.push_back(h3::FetchRequest{p, "GET", {}});
  return out;
}

h3::FetchOptions fetch_options(const ClientRequests& r) {
  h3::FetchOptions o;
  o.authority = r.authority;
  o.close_when_done = false;  // GetApp closes once it has taken the statistics
  return o;
}

}  // namespace

H3ClientSession::H3ClientSession(apps::ResponseSink& sink, const ClientRequests& requests)
    : sink_(sink), status_(requests.paths.size(), 0), app_(fetch_requests(requests), *this, fetch_options(requests)) {
  if (requests.remembered_settings.empty()) return;
  // A file another build wrote may not parse: the defaults then apply.
  if (auto s = h3::parse_settings_payload(requests.remembered_settings)) app_.session().remember_peer_settings(*s);
}

std::vector<std::uint8_t> H3ClientSession::settings_to_remember() const {
  const h3::Session& s = app_.session();
  if (!s.peer_settings_received()) return {};
  std::uint8_t buf[64];
  ByteWriter w(buf);
  if (!h3::write_settings_payload(w, s.peer_settings())) return {};
  return std::vector<std::uint8_t>(w.data().begin(), w.data().end());
}

void H3ClientSession::on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) {
  app_.on_connection_event(conn, event, now);
}

void H3ClientSession::poll(transport::Connection& conn, Timestamp now) { app_.poll(conn, now); }

void H3ClientSession::on_response(std::size_t index, const h3::ResponseHead& head, std::span<const h3::FieldLine>) {
  if (index < status_.size() && !head.interim()) status_[index] = head.status;
}

void H3ClientSession::on_body(std::size_t index, ByteSpan bytes) {
  if (index < status_.size() && status_[index] >= 200 && status_[index] < 300) sink_.on_body(index, bytes);
}

void H3ClientSession::on_complete(std::size_t index, const h3::FetchResult& r) {
  char why[160];
  if (r.complete && r.status >= 200 && r.status < 300) return sink_.on_complete(index);
  if (r.status != 0 && (r.status < 200 || r.status >= 300))
    std::snprintf(why, sizeof why, "HTTP status %u", static_cast<unsigned>(r.status));
  else if (r.error_code != 0)
    std::snprintf(why, sizeof why, "request ended with 0x%llx (%s)", static_cast<unsigned long long>(r.error_code),
                  h3::h3_error_name(r.error_code));
  else if (r.status != 0)
    std::snprintf(why, sizeof why, "the response ended before its body was complete");
  else
    std::snprintf(why, sizeof why, "request not sent: %s", r.error);
  sink_.on_failed(index, why);
}

}  // namespace tquic::apps
