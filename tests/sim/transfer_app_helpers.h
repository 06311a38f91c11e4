// Applications for simulator scenarios: bulk streams whose payloads come
// from seeded generators (payload_helpers.h) and are hashed on arrival, and
// a DATAGRAM (RFC 9221) source and sink.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/payload_helpers.h"
#include "sim/quic_node_helpers.h"
#include "transport/stream/stream_id.h"

namespace tquic::sim {

// One stream to send: `size` bytes of payload stream `seed`.
struct StreamPlan {
  std::uint64_t seed = 0;
  std::uint64_t size = 0;
};

// Does nothing: the side of a scenario that only answers the protocol.
class IdleApp final : public App {
 public:
  void on_event(transport::Connection&, const transport::ConnectionEvent&, Timestamp) override {}
  void pump(transport::Connection&, Timestamp) override {}
};

// Opens one bidirectional stream per plan once the connection is
// established, and writes each payload (with FIN) as flow control and the
// send buffers allow.
class BulkSender final : public App {
 public:
  explicit BulkSender(const std::vector<StreamPlan>& plans, transport::StreamPriority priority = {});

  void on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) override;
  void pump(transport::Connection& conn, Timestamp now) override;

  bool all_written() const;
  std::uint64_t bytes_written() const;
  Timestamp first_write_at() const { return first_write_at_; }
  Timestamp all_written_at() const { return all_written_at_; }
  std::uint64_t write_errors() const { return write_errors_; }
  std::size_t streams_opened() const { return ids_.size(); }
  transport::StreamId stream_id(std::size_t i) const { return ids_[i]; }

 private:
  bool open_streams(transport::Connection& conn);
  void write_stream(transport::Connection& conn, std::size_t i);

  std::vector<PayloadSource> sources_;
  std::vector<transport::StreamId> ids_;
  std::vector<bool> fin_sent_;
  transport::StreamPriority priority_;
  std::uint64_t write_errors_ = 0;
  Timestamp now_ = kTimeZero;
  Timestamp first_write_at_ = kTimeInfinite;
  Timestamp all_written_at_ = kTimeInfinite;
};

// What arrived on one peer-opened stream.
struct ReceivedStream {
  transport::StreamId id = 0;
  std::uint64_t bytes = 0;
  bool fin = false;
  Digest digest{};           // valid once `fin`
  Timestamp first_byte_at = kTimeInfinite;
  Timestamp completed_at = kTimeInfinite;
};

// Reads every stream the peer opens to the end, hashing as it goes.
class BulkReceiver final : public App {
 public:
  void on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) override;
  void pump(transport::Connection& conn, Timestamp now) override;

  const std::vector<ReceivedStream>& streams() const { return streams_; }
  // The stream with `id`, nullptr if it never opened.
  const ReceivedStream* find(transport::StreamId id) const;
  std::size_t completed() const;
  std::uint64_t bytes_received() const;
  // When the last of the streams finished (kTimeInfinite if one is open).
  Timestamp last_completed_at() const;

 private:
  void track(transport::StreamId id);
  void read_stream(transport::Connection& conn, std::size_t i, Timestamp now);

  std::vector<ReceivedStream> streams_;
  std::vector<Sha256> hashers_;
};

// Sends `count` DATAGRAM frames of `size` bytes, one every `interval`, from
// the moment the connection is established. Payload: the datagram's index
// (8 bytes, little endian), then payload stream `index`.
class DatagramSource final : public App {
 public:
  DatagramSource(std::uint64_t count, std::size_t size, Duration interval);

  void on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) override;
  void pump(transport::Connection& conn, Timestamp now) override;
  Timestamp next_deadline() const override;

  std::uint64_t sent() const { return sent_; }
  std::uint64_t refused() const { return refused_; }   // send_datagram errors (queue full, too large)
  bool done() const { return sent_ + refused_ == count_; }

 private:
  std::uint64_t count_;
  std::size_t size_;
  Duration interval_;
  Timestamp next_send_ = kTimeInfinite;
  std::uint64_t sent_ = 0;
  std::uint64_t refused_ = 0;
  std::vector<std::uint8_t> buffer_;
};

// Receives DATAGRAM frames and checks each against DatagramSource's format.
class DatagramSink final : public App {
 public:
  DatagramSink(std::uint64_t count, std::size_t size);

  void on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) override;
  void pump(transport::Connection& conn, Timestamp now) override;

  std::uint64_t received() const { return received_; }        // every read_datagram
  std::uint64_t distinct() const { return distinct_; }        // distinct valid indices
  std::uint64_t malformed() const { return malformed_; }      // wrong size, index or content
  std::uint64_t repeated() const { return repeated_; }        // an index seen twice

 private:
  void read_all(transport::Connection& conn);

  std::uint64_t count_;
  std::size_t size_;
  std::vector<bool> seen_;
  std::vector<std::uint8_t> buffer_;
  std::vector<std::uint8_t> expected_;
  std::uint64_t received_ = 0;
  std::uint64_t distinct_ = 0;
  std::uint64_t malformed_ = 0;
  std::uint64_t repeated_ = 0;
};

}  // namespace tquic::sim
