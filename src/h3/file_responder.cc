#include "h3/file_responder.h"

#include <algorithm>
#include <string_view>

#include "h3/byte_range.h"

namespace tquic::h3 {
namespace {

constexpr std::size_t kMinChunk = 1024;

}  // namespace

std::uint16_t file_status_http_status(FileStatus s) {
  switch (s) {
    case FileStatus::ok: return 200;
    case FileStatus::not_found:
    case FileStatus::not_regular: return 404;
    case FileStatus::forbidden: return 403;
    case FileStatus::io_error: break;
  }
  return 500;
}

FileResponder::FileResponder(FileSource& files, const FileResponderOptions& options)
    : files_(files), options_(options), chunk_(std::max(options.chunk_size, kMinChunk)) {}

FileResponder::~FileResponder() { on_closed(); }

void FileResponder::on_closed() {
  for (const Transfer& t : transfers_) files_.close(t.handle);
  stats_.transfers_aborted += transfers_.size();
  transfers_.clear();
}

void FileResponder::respond_empty(Session& session, transport::Connection& conn, transport::StreamId id,
                                  std::uint16_t status, std::span<const FieldLine> extra) {
  FieldLine lines[4];
  std::size_t n = 0;
  lines[n++] = FieldLine{"content-length", "0"};
  for (const FieldLine& f : extra.first(std::min<std::size_t>(extra.size(), 3))) lines[n++] = f;
  if (session.send_response(conn, id, status, std::span<const FieldLine>(lines, n), true)) {
    ++stats_.responses;
    stats_.error_responses += status >= 400;
  }
}

void FileResponder::on_request(Session& session, transport::Connection& conn, transport::StreamId id,
                               Timestamp now) {
  const RequestHead* req = session.request(id);
  if (req == nullptr) return;
  session.discard_body(conn, id, now);
  const bool head = req->method == "HEAD";
  if (req->method != "GET" && !head) {
    const FieldLine allow[] = {{"allow", "GET, HEAD"}};
    return respond_empty(session, conn, id, 405, allow);
  }
  const NormalizedPath path = normalize_request_path(req->path, path_buffer_);
  if (path.verdict != PathVerdict::ok)
    return respond_empty(session, conn, id, static_cast<std::uint16_t>(path_verdict_http_status(path.verdict)), {});
  const OpenedFile file = files_.open(path.relative);
  if (file.status != FileStatus::ok) return respond_empty(session, conn, id, file_status_http_status(file.status), {});
  serve_file(session, conn, id, file, head, now);
}

// 200, 206 or 416 for an open file; the body, if any, follows as the stream
// takes it.
void FileResponder::serve_file(Session& session, transport::Connection& conn, transport::StreamId id,
                               const OpenedFile& file, bool head, Timestamp now) {
  const auto range_header = session.header(id, "range");
  const ByteRange range = range_header ? evaluate_range(*range_header, file.size) : ByteRange{};
  char content_range[kMaxContentRange];
  if (range.kind == RangeKind::unsatisfiable) {
    files_.close(file.handle);
    const std::size_t n = format_unsatisfied_range(file.size, content_range);
    const FieldLine extra[] = {{"content-range", std::string_view(content_range, n)}};
    return respond_empty(session, conn, id, 416, extra);
  }
  const bool partial = range.kind == RangeKind::satisfiable;
  const Transfer t{id, file.handle, partial ? range.first : 0, partial ? range.last + 1 : file.size};
  char length[20];
  FieldLine lines[3] = {{"content-length", std::string_view(length, format_decimal(t.end - t.offset, length))},
                        {"accept-ranges", "bytes"},
                        {}};
  if (partial) lines[2] = FieldLine{"content-range", std::string_view(content_range, format_content_range(range, file.size, content_range))};
  const bool no_body = head || t.end == t.offset;
  const bool sent = session.send_response(conn, id, partial ? 206 : 200,
                                          std::span<const FieldLine>(lines, partial ? 3 : 2), no_body)
                        .ok();
  if (sent) ++stats_.responses;
  if (!sent || no_body) return files_.close(file.handle);
  transfers_.push_back(t);
  pump(session, conn, transfers_.size() - 1, now);
}

// Offers file bytes until the stream stops taking them or the file ends.
// Untaken bytes are read again next time, from the new offset.
void FileResponder::pump(Session& session, transport::Connection& conn, std::size_t index, Timestamp now) {
  Transfer& t = transfers_[index];
  while (t.offset < t.end) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_.size(), t.end - t.offset));
    auto got = files_.read(t.handle, t.offset, MutByteSpan(chunk_).first(want));
    if (!got || *got == 0) {  // failed or shrank: content-length cannot be met
      (void)session.cancel(conn, t.id, H3Error::H3_INTERNAL_ERROR, now);
      ++stats_.transfers_aborted;
      return finish(index);
    }
    const bool last = t.offset + *got == t.end;
    auto taken = session.send_body(conn, t.id, ByteSpan(chunk_).first(*got), last);
    if (!taken) {
      ++stats_.transfers_aborted;
      return finish(index);
    }
    t.offset += *taken;
    stats_.body_bytes += *taken;
    if (*taken < *got) return;  // the stream is full: wait for `writable`
  }
  ++stats_.files_completed;
  finish(index);
}

void FileResponder::finish(std::size_t index) {
  files_.close(transfers_[index].handle);
  transfers_.erase(transfers_.begin() + static_cast<std::ptrdiff_t>(index));
}

void FileResponder::on_writable(Session& session, transport::Connection& conn, transport::StreamId id,
                                Timestamp now) {
  for (std::size_t i = 0; i < transfers_.size(); ++i)
    if (transfers_[i].id == id) return pump(session, conn, i, now);
}

void FileResponder::on_stream_reset(transport::StreamId id) {
  for (std::size_t i = 0; i < transfers_.size(); ++i) {
    if (transfers_[i].id != id) continue;
    ++stats_.transfers_aborted;
    return finish(i);
  }
}

}  // namespace tquic::h3
