// The server half of tquic-perf/1 for one connection (apps/perf_protocol.h):
// the control stream answers START with a sample of the server's counters
// and FINISH with the connection's totals and a second sample; each data
// stream's request bytes are counted and discarded as they arrive (read
// by view, never copied) and its response is written from the shared
// payload buffer as the stream takes it, until its size or duration is
// reached. A malformed preface or message closes the connection with
// kErrorProtocol.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "apps/perf_protocol.h"
#include "base/time.h"
#include "transport/connection/connection.h"

namespace tquic::apps {

// One finished test as the server saw it (a control stream's START..FINISH).
struct PerfServerTest {
  perf::Mode mode = perf::Mode::down;
  perf::ServerSample start;
  perf::ServerSample finish;
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t data_streams = 0;
  Duration elapsed{};
  std::uint16_t cipher_suite = 0;
};

// Server-wide state every session shares; owned by the application.
struct PerfServerShared {
  std::uint64_t handshakes = 0;       // completed since the server started
  std::uint64_t bytes_received = 0;   // every data stream of every connection
  std::uint64_t bytes_sent = 0;
  std::uint64_t data_streams = 0;
  std::uint64_t protocol_errors = 0;
  std::string engine;                 // for START_OK
  std::string cc;
  std::vector<PerfServerTest> finished;  // tests to report; the application drains it
};

class PerfServerSession {
 public:
  explicit PerfServerSession(PerfServerShared& shared) : shared_(shared) {}

  void on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now);
  // Continues timed responses whose deadline passed.
  void on_timer(transport::Connection& conn, Timestamp now);
  // The earliest deadline of a timed response; kTimeInfinite if none.
  Timestamp next_deadline() const;

 private:
  struct Stream {
    perf::PrefaceParser preface;
    bool typed = false;
    perf::DataHeader header;
    bool request_done = false;    // FIN read (or the client reset the request)
    bool response_started = false;
    bool response_done = false;   // every response byte handed to the stream
    bool fin_sent = false;
    std::uint64_t response_sent = 0;
    Timestamp deadline = kTimeInfinite;  // timed response
  };

  void on_readable(transport::Connection& conn, transport::StreamId id, Timestamp now);
  bool read_preface(transport::Connection& conn, transport::StreamId id, Stream& s, ByteSpan v, std::size_t& used,
                    Timestamp now);
  void read_control(transport::Connection& conn, ByteSpan v, std::size_t& used, Timestamp now);
  void on_message(transport::Connection& conn, const perf::ControlMessage& m, Timestamp now);
  void send_control(transport::Connection& conn, const perf::ControlMessage& m);
  void flush_control(transport::Connection& conn);
  void pump(transport::Connection& conn, transport::StreamId id, Stream& s, Timestamp now);
  void forget_if_done(transport::StreamId id);
  void fail(transport::Connection& conn, const char* reason, Timestamp now);

  PerfServerShared& shared_;
  std::unordered_map<transport::StreamId, Stream> streams_;
  std::optional<transport::StreamId> control_;
  perf::MessageParser control_parser_;
  std::vector<std::uint8_t> control_out_;  // control bytes the stream did not take yet
  bool control_fin_ = false;               // FIN after control_out_
  bool started_ = false;
  perf::Mode mode_ = perf::Mode::down;
  perf::ServerSample start_sample_;
  Timestamp start_time_{};
  std::uint64_t bytes_received_ = 0;       // this connection's data streams
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t data_streams_ = 0;
  bool failed_ = false;
};

// The server's counters now (CPU from runtime/cpu_time.h).
perf::ServerSample sample_server(std::uint64_t handshakes);

}  // namespace tquic::apps
