#include "apps/response_writer.h"

#include <algorithm>

namespace tquic::apps {

ResponseWriter::~ResponseWriter() { files_.close(file_.handle); }

// Reads the next chunk; a short read means the file changed under us.
Status ResponseWriter::fill_chunk() {
  if (!chunk_) chunk_ = std::make_unique<std::uint8_t[]>(kChunkSize);
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunkSize, file_.size - read_));
  std::size_t got = 0;
  while (got < want) {  // bounded: each round reads at least one byte or ends
    TQUIC_TRY_ASSIGN(std::size_t n, files_.read(file_.handle, read_ + got, MutByteSpan(chunk_.get() + got, want - got)));
    if (n == 0) return Error::local("the file ended before its size: it changed while being sent");
    got += n;
  }
  read_ += got;
  chunk_len_ = got;
  chunk_off_ = 0;
  return ok_status();
}

Result<ResponseWriter::Progress> ResponseWriter::pump(StreamOutput& out) {
  while (!finished_) {
    if (chunk_off_ == chunk_len_ && read_ < file_.size) TQUIC_TRY(fill_chunk());
    const ByteSpan rest(chunk_.get() + chunk_off_, chunk_len_ - chunk_off_);
    const bool last = read_ == file_.size;
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
