// What an application plugs into the event loop (runtime/event_loop.h): it
// hears about every endpoint event of its node and gets one turn per loop
// iteration to move data into streams. Calls come from the loop's thread,
// after the node received and before it sends, so whatever an application
// writes leaves in the same iteration.
#pragma once

#include "base/time.h"
#include "endpoint/endpoint_events.h"
#include "transport/connection/connection_events.h"

namespace tquic::runtime {

class UdpNode;

class Application {
 public:
  virtual ~Application() = default;

  // A client's Initial created a server connection (`address_validated`:
  // it carried a valid Retry or NEW_TOKEN token).
  virtual void on_accepted(UdpNode& node, endpoint::ConnectionHandle handle, bool address_validated,
                           Timestamp now) {
    (void)node, (void)handle, (void)address_validated, (void)now;
  }
  // An event from one connection (stream readable, handshake done, closed...).
  virtual void on_connection_event(UdpNode& node, endpoint::ConnectionHandle handle,
                                   const transport::ConnectionEvent& event, Timestamp now) = 0;
  // The connection is gone; node.endpoint().connection(handle) still
  // answers (close_info(), stats()) until the endpoint is next called.
  virtual void on_removed(UdpNode& node, endpoint::ConnectionHandle handle, Timestamp now) {
    (void)node, (void)handle, (void)now;
  }
  // Once per loop iteration, after the events.
  virtual void on_turn(UdpNode& node, Timestamp now) { (void)node, (void)now; }
  // When the application next wants a turn with no network activity
  // (progress display, a retry); kTimeInfinite for never.
  virtual Timestamp next_wakeup() const { return kTimeInfinite; }
};

}  // namespace tquic::runtime
