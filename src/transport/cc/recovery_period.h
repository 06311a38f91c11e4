// RFC 9002 section 7.3.2: a congestion recovery period starts when loss or
// ECN-CE is detected and covers every packet sent before that moment, so
// the window is reduced at most once per round trip.
#pragma once

#include "base/time.h"

namespace tquic::transport {

class RecoveryPeriod {
 public:
  // InCongestionRecovery(sent_time) of RFC 9002 section B.5.
  bool covers(Timestamp time_sent) const { return started_ && time_sent <= start_; }
  void enter(Timestamp now) {
    started_ = true;
    start_ = now;
  }
  // Persistent congestion: congestion_recovery_start_time = 0.
  void reset() { started_ = false; }
  bool started() const { return started_; }
  Timestamp start() const { return start_; }

 private:
  bool started_ = false;
  Timestamp start_{};
};

}  // namespace tquic::transport
