// A progress line on a terminal: redrawn in place with '\r' at most every
// kInterval, only when stderr is a terminal; cleared before the summary.
#pragma once

#include <cstdio>
#include <string>

#include "base/time.h"

namespace tquic::apps {

class ProgressLine {
 public:
  static constexpr Duration kInterval = 250ms;

  ProgressLine();  // on stderr, enabled when stderr is a terminal
  ProgressLine(bool enabled, std::FILE* out) : enabled_(enabled), out_(out) {}

  bool enabled() const { return enabled_; }
  // True when a line drawn at `now` would be shown (the rate limit allows it).
  bool due(Timestamp now) const { return enabled_ && (!drawn_ || now - last_ >= kInterval); }
  void draw(Timestamp now, const std::string& text);
  // Erases the line (call before printing anything else).
  void clear();
  Timestamp next_due() const;

 private:
  bool enabled_;
  std::FILE* out_ = stderr;
  bool drawn_ = false;
  Timestamp last_{};
  std::size_t width_ = 0;
};

}  // namespace tquic::apps
