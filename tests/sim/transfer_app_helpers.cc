#include "sim/transfer_app_helpers.h"

#include <algorithm>
#include <cstring>

namespace tquic::sim {

using transport::Connection;
using transport::ConnectionEvent;
using transport::ConnectionEventType;
using transport::StreamId;

// ---------------------------------------------------------------- BulkSender

BulkSender::BulkSender(const std::vector<StreamPlan>& plans, transport::StreamPriority priority)
    : priority_(priority) {
  sources_.reserve(plans.size());
  for (const StreamPlan& p : plans) sources_.emplace_back(p.seed, p.size);
  fin_sent_.assign(plans.size(), false);
}

void BulkSender::on_event(Connection&, const ConnectionEvent&, Timestamp) {}

bool BulkSender::open_streams(Connection& conn) {
  while (ids_.size() < sources_.size()) {
    auto id = conn.open_stream(true);
    if (!id) {
      if (id.error().kind != ErrorKind::blocked) ++write_errors_;
      return false;  // MAX_STREAMS reached or not established: retry later
    }
    ids_.push_back(*id);
    if (!conn.stream_set_priority(*id, priority_)) ++write_errors_;
  }
  return true;
}

void BulkSender::write_stream(Connection& conn, std::size_t i) {
  PayloadSource& src = sources_[i];
  while (!fin_sent_[i]) {
    const ByteSpan chunk = src.pending();
    const bool last = src.taken() + chunk.size() == src.size();
    auto n = conn.stream_write(ids_[i], chunk, last);
    if (!n) {
      if (n.error().kind != ErrorKind::blocked) ++write_errors_;
      return;
    }
    if (*n > 0 && first_write_at_ == kTimeInfinite) first_write_at_ = now_;
    src.consume(*n);
    if (last && *n == chunk.size()) fin_sent_[i] = true;
    if (*n < chunk.size()) return;  // no room: the stream says when there is
  }
}

void BulkSender::pump(Connection& conn, Timestamp now) {
  now_ = now;
  if (all_written() || !conn.is_established()) return;
  open_streams(conn);
  for (std::size_t i = 0; i < ids_.size(); ++i) write_stream(conn, i);
  if (all_written()) all_written_at_ = now;
}

bool BulkSender::all_written() const {
  return ids_.size() == sources_.size() && std::all_of(fin_sent_.begin(), fin_sent_.end(), [](bool f) { return f; });
}

std::uint64_t BulkSender::bytes_written() const {
  std::uint64_t sum = 0;
  for (const PayloadSource& s : sources_) sum += s.taken();
  return sum;
}

// -------------------------------------------------------------- BulkReceiver

void BulkReceiver::track(StreamId id) {
  for (const ReceivedStream& r : streams_)
    if (r.id == id) return;
  ReceivedStream r;
  r.id = id;
  streams_.push_back(r);
  hashers_.emplace_back();
}

void BulkReceiver::on_event(Connection&, const ConnectionEvent& event, Timestamp) {
  if (event.type == ConnectionEventType::stream_opened || event.type == ConnectionEventType::stream_readable)
    track(event.stream_id);
}

void BulkReceiver::read_stream(Connection& conn, std::size_t i, Timestamp now) {
  ReceivedStream& r = streams_[i];
  for (ByteSpan v = conn.stream_peek(r.id); !v.empty(); v = conn.stream_peek(r.id)) {
    if (r.first_byte_at == kTimeInfinite) r.first_byte_at = now;
    hashers_[i].update(v);
    r.bytes += v.size();
    conn.stream_consume(r.id, v.size());
  }
  if (conn.stream_fin_received(r.id)) {
    r.fin = true;
    r.digest = hashers_[i].finish();
    r.completed_at = now;
  }
}

void BulkReceiver::pump(Connection& conn, Timestamp now) {
  for (std::size_t i = 0; i < streams_.size(); ++i)
    if (!streams_[i].fin) read_stream(conn, i, now);
}

const ReceivedStream* BulkReceiver::find(StreamId id) const {
  for (const ReceivedStream& r : streams_)
    if (r.id == id) return &r;
  return nullptr;
}

std::size_t BulkReceiver::completed() const {
  return static_cast<std::size_t>(
      std::count_if(streams_.begin(), streams_.end(), [](const ReceivedStream& r) { return r.fin; }));
}

std::uint64_t BulkReceiver::bytes_received() const {
  std::uint64_t sum = 0;
  for (const ReceivedStream& r : streams_) sum += r.bytes;
  return sum;
}

Timestamp BulkReceiver::last_completed_at() const {
  Timestamp t = kTimeZero;
  for (const ReceivedStream& r : streams_) t = std::max(t, r.completed_at);
  return streams_.empty() ? kTimeInfinite : t;
}

// ------------------------------------------------------------ DatagramSource

namespace {

void fill_datagram(std::uint64_t index, MutByteSpan out) {
  for (std::size_t k = 0; k < 8 && k < out.size(); ++k) out[k] = static_cast<std::uint8_t>(index >> (8 * k));
  if (out.size() > 8) fill_payload(index, 0, out.subspan(8));
}

}  // namespace

DatagramSource::DatagramSource(std::uint64_t count, std::size_t size, Duration interval)
    : count_(count), size_(std::max<std::size_t>(size, 8)), interval_(interval), buffer_(size_) {}

void DatagramSource::on_event(Connection&, const ConnectionEvent&, Timestamp) {}

void DatagramSource::pump(Connection& conn, Timestamp now) {
  if (done() || !conn.is_established()) return;
  if (next_send_ == kTimeInfinite) next_send_ = now;
  while (!done() && next_send_ <= now) {
    fill_datagram(sent_ + refused_, MutByteSpan(buffer_.data(), buffer_.size()));
    if (conn.send_datagram(ByteSpan(buffer_.data(), buffer_.size()))) {
      ++sent_;
    } else {
      ++refused_;
    }
    next_send_ += interval_;
  }
}

Timestamp DatagramSource::next_deadline() const { return done() ? kTimeInfinite : next_send_; }

// -------------------------------------------------------------- DatagramSink

DatagramSink::DatagramSink(std::uint64_t count, std::size_t size)
    : count_(count), size_(std::max<std::size_t>(size, 8)), seen_(count, false), buffer_(65536), expected_(size_) {}

void DatagramSink::on_event(Connection& conn, const ConnectionEvent& event, Timestamp) {
  if (event.type == ConnectionEventType::datagram_received) read_all(conn);
}

void DatagramSink::pump(Connection& conn, Timestamp) { read_all(conn); }

void DatagramSink::read_all(Connection& conn) {
  for (;;) {
    auto n = conn.read_datagram(MutByteSpan(buffer_.data(), buffer_.size()));
    if (!n) return;
    ++received_;
    std::uint64_t index = 0;
    for (std::size_t k = 0; k < 8 && k < *n; ++k) index |= std::uint64_t{buffer_[k]} << (8 * k);
    if (*n != size_ || index >= count_) {
      ++malformed_;
      continue;
    }
    fill_datagram(index, MutByteSpan(expected_.data(), expected_.size()));
    if (std::memcmp(expected_.data(), buffer_.data(), size_) != 0) {
      ++malformed_;
    } else if (seen_[index]) {
      ++repeated_;
    } else {
      seen_[index] = true;
      ++distinct_;
    }
  }
}

}  // namespace tquic::sim
