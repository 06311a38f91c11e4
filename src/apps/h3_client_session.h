// HTTP/3 client session for `tquic get --alpn h3`: the h3 module's FetchApp
// behind the ClientSession interface. A response counts as a file only
// with a 2xx status; any other status, or a reset, fails that request.
// Resumed with --0rtt, the requests leave as 0-RTT under the server
// SETTINGS remembered with the ticket (ClientRequests::remembered_settings).
#pragma once

#include <vector>

#include "apps/client_session.h"
#include "h3/fetch_app.h"

namespace tquic::apps {

class H3ClientSession final : public ClientSession, private h3::ResponseSink {
 public:
  H3ClientSession(apps::ResponseSink& sink, const ClientRequests& requests);

  void on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) override;
  void poll(transport::Connection& conn, Timestamp now) override;
  std::vector<std::uint8_t> settings_to_remember() const override;
  bool goaway_received() const override { return app_.session().peer_goaway_id().has_value(); }

 private:
  // h3::ResponseSink
  void on_response(std::size_t index, const h3::ResponseHead& head, std::span<const h3::FieldLine> fields) override;
  void on_body(std::size_t index, ByteSpan bytes) override;
  void on_complete(std::size_t index, const h3::FetchResult& result) override;

  apps::ResponseSink& sink_;
  std::vector<std::uint16_t> status_;
  h3::FetchApp app_;
};

}  // namespace tquic::apps
