#include "apps/progress_line.h"

#include <unistd.h>

#include <cstdio>

namespace tquic::apps {

ProgressLine::ProgressLine() : enabled_(::isatty(STDERR_FILENO) != 0) {}

void ProgressLine::draw(Timestamp now, const std::string& text) {
  if (!enabled_) return;
  const std::size_t pad = width_ > text.size() ? width_ - text.size() : 0;
  std::fprintf(out_, "\r%s%*s", text.c_str(), static_cast<int>(pad), "");
  std::fflush(out_);
  width_ = text.size();
  drawn_ = true;
  last_ = now;
}

void ProgressLine::clear() {
  if (!enabled_ || width_ == 0) return;
  std::fprintf(out_, "\r%*s\r", static_cast<int>(width_), "");
  std::fflush(out_);
  width_ = 0;
}

Timestamp ProgressLine::next_due() const {
  if (!enabled_) return kTimeInfinite;
  return drawn_ ? last_ + kInterval : Timestamp{};
}

}  // namespace tquic::apps
