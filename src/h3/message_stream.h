// The state of one request stream (RFC 9114 §4.1, §6.1) inside a Session:
// the receiving machine and decoded fields of the peer's message, and the
// framing state of ours. Records are recycled (reset()) so their buffers
// keep their capacity.
#pragma once

#include <cstdint>
#include <vector>

#include "h3/field_store.h"
#include "h3/message.h"
#include "h3/pending_output.h"
#include "h3/request_stream.h"
#include "transport/stream/stream_id.h"

namespace tquic::h3 {

// The request method as far as it changes how a response is read (§4.1.2,
// §4.4; RFC 9110 §9.3.2).
enum class MethodClass : std::uint8_t { other, head, connect };

struct MessageStream {
  transport::StreamId id = 0;
  RequestStreamReceiver rx{MessageStreamKind::request};
  FieldStore fields;
  RequestHead request{};    // server: the request, once head_received
  ResponseHead response{};  // client: the final response, once head_received
  MethodClass method = MethodClass::other;  // client: the method we sent

  // --- receiving ---
  std::vector<std::uint8_t> blocked_section;  // a QPACK-blocked section, copied
  bool blocked = false;
  bool blocked_trailers = false;
  bool head_received = false;
  bool recv_done = false;      // message complete, reset, or reading abandoned
  bool discard_body = false;   // content is consumed without events
  std::uint64_t data_pending = 0;  // bytes of the current DATA piece not yet consumed

  // --- sending ---
  PendingOutput out;
  bool headers_sent = false;   // the final header section (ours)
  bool send_reset = false;     // our sending part was reset (by us or STOP_SENDING)
  std::uint64_t frame_remaining = 0;  // payload bytes of our open DATA frame still owed

  // --- both ---
  bool tunnel = false;          // CONNECT / extended CONNECT: DATA only, datagrams allowed
  bool reset_reported = false;  // a stream_reset event was emitted
  bool retiring = false;        // finished; released once its events are read
  std::uint32_t events_outstanding = 0;

  bool send_finished() const { return send_reset || out.fin_sent(); }
  bool done() const { return recv_done && send_finished(); }

  void reset(transport::StreamId stream_id, MessageStreamKind kind, const FrameReaderLimits& limits) {
    id = stream_id;
    rx = RequestStreamReceiver(kind, limits);
    fields.clear();
    request = RequestHead{};
    response = ResponseHead{};
    method = MethodClass::other;
    blocked_section.clear();
    blocked = blocked_trailers = head_received = recv_done = discard_body = false;
    data_pending = 0;
    out.clear();
    headers_sent = send_reset = false;
    frame_remaining = 0;
    tunnel = reset_reported = retiring = false;
    events_outstanding = 0;
  }
};

}  // namespace tquic::h3
