#include "apps/response_writer.h"

#include <algorithm>

namespace tquic::apps {

Status ResponseWriter::fill_chunk() {
  if (!chunk_) chunk_ = std::make_unique<std::uint8_t[]>(kChunkSize);
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunkSize, body_->size() - read_));
  TQUIC_TRY_ASSIGN(std::size_t n, body_->read_at(read_, MutByteSpan(chunk_.get(), want)));
  if (n != want) return Error::local("the file ended before its size: it changed while being sent");
  read_ += n;
  chunk_len_ = n;
  chunk_off_ = 0;
  return ok_status();
}

Result<ResponseWriter::Progress> ResponseWriter::pump(StreamOutput& out) {
  while (!finished_) {
    if (chunk_off_ == chunk_len_ && read_ < body_->size()) TQUIC_TRY(fill_chunk());
    const ByteSpan rest(chunk_.get() + chunk_off_, chunk_len_ - chunk_off_);
    const bool last = read_ == body_->size();
    TQUIC_TRY_ASSIGN(std::size_t n, out.write(rest, last));
    chunk_off_ += n;
    sent_ += n;
    if (n < rest.size()) return Progress::blocked;
    if (last) {
      finished_ = true;
      chunk_.reset();
    }
  }
  return Progress::finished;
}

}  // namespace tquic::apps
