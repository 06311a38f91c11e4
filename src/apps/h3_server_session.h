// HTTP/3 (RFC 9114) server session for `tquic serve --alpn h3`: the h3
// module's FileServerApp (Session + FileResponder: GET/HEAD, ranges,
// status codes) behind the ServerSession interface, its statistics folded
// into the server's counters.
#pragma once

#include "apps/server_session.h"
#include "h3/file_server_app.h"

namespace tquic::apps {

class H3ServerSession final : public ServerSession {
 public:
  explicit H3ServerSession(const ServerContext& context) : ctx_(context), app_(*context.files) {}

  void on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) override;
  void poll(transport::Connection& conn, Timestamp now) override;
  std::size_t active_responses() const override { return app_.responder().active_transfers(); }
  void shutdown(transport::Connection& conn, Timestamp now) override { app_.shutdown(conn, now); }

 private:
  void sync_counters();

  ServerContext ctx_;
  h3::FileServerApp app_;
  ServerCounters seen_;  // what was already added to ctx_.counters
};

}  // namespace tquic::apps
