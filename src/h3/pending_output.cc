#include "h3/pending_output.h"

namespace tquic::h3 {

void PendingOutput::clear() {
  bytes_.clear();
  head_ = 0;
  fin_pending_ = false;
  fin_sent_ = false;
}

Status PendingOutput::flush(transport::Connection& conn, transport::StreamId id) {
  if (size() > 0) {
    const ByteSpan rest = ByteSpan(bytes_).subspan(head_);
    TQUIC_TRY_ASSIGN(const std::size_t n, conn.stream_write(id, rest, fin_pending_));
    head_ += n;
    if (size() > 0) return ok_status();
    bytes_.clear();
    head_ = 0;
    if (fin_pending_) {
      fin_pending_ = false;
      fin_sent_ = true;
    }
    return ok_status();
  }
  if (fin_pending_) {
    TQUIC_TRY(conn.stream_write(id, ByteSpan{}, true));
    fin_pending_ = false;
    fin_sent_ = true;
  }
  return ok_status();
}

Status PendingOutput::write(transport::Connection& conn, transport::StreamId id, ByteSpan bytes) {
  if (fin_pending_ || fin_sent_) return Error::local("write after the stream was finished");
  if (size() > 0) TQUIC_TRY(flush(conn, id));
  if (size() > 0) {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    return ok_status();
  }
  TQUIC_TRY_ASSIGN(const std::size_t n, conn.stream_write(id, bytes, false));
  bytes_.assign(bytes.begin() + static_cast<std::ptrdiff_t>(n), bytes.end());
  head_ = 0;
  return ok_status();
}

Status PendingOutput::finish(transport::Connection& conn, transport::StreamId id) {
  if (fin_pending_ || fin_sent_) return ok_status();
  fin_pending_ = true;
  return flush(conn, id);
}

}  // namespace tquic::h3
