// Shared pieces of the connection-level malformed-input tests
// (conn_malformed_frames_test.cc, conn_stream_state_violation_test.cc,
// conn_flow_control_violation_test.cc, conn_stream_limit_violation_test.cc,
// conn_transport_params_violation_test.cc, conn_cid_abuse_test.cc):
//  - Bytes: frames written byte by byte, so any malformation can be built;
//  - pairs brought to the point a case needs (mid-handshake or confirmed);
//  - expect_connection_error: the one check every case makes.
//
// "Nothing leaks": each connection owns its pools, so what a malformed frame
// made it allocate is returned when it is destroyed; the sanitizer stage of
// scripts/test runs these tests with pools as plain new/delete
// (TQUIC_POOLS_AS_HEAP), where LeakSanitizer reports anything left over.
// Here we check what a test can see: both sides reach the closed state,
// no timer stays armed and nothing more is sent.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "conn_test_harness.h"
#include "wire/varint.h"

namespace tquic::transport::testing {

// A payload written field by field.
struct Bytes {
  std::vector<std::uint8_t> data;

  Bytes& u8(std::uint8_t b) {
    data.push_back(b);
    return *this;
  }
  Bytes& raw(std::initializer_list<std::uint8_t> bs) {
    data.insert(data.end(), bs);
    return *this;
  }
  Bytes& fill(std::size_t n, std::uint8_t b) {
    data.insert(data.end(), n, b);
    return *this;
  }
  Bytes& append(const std::vector<std::uint8_t>& bs) {
    data.insert(data.end(), bs.begin(), bs.end());
    return *this;
  }
  // A varint in its shortest encoding.
  Bytes& v(std::uint64_t x) {
    std::uint8_t b[8];
    ByteWriter w(MutByteSpan(b, sizeof b));
    EXPECT_TRUE(wire::write_varint(w, x)) << x;
    data.insert(data.end(), b, b + w.written());
    return *this;
  }
  // A varint in exactly `len` bytes (1, 2, 4 or 8).
  Bytes& v_fixed(std::uint64_t x, std::size_t len) {
    std::uint8_t b[8];
    ByteWriter w(MutByteSpan(b, sizeof b));
    EXPECT_TRUE(wire::write_varint_fixed(w, x, len)) << x;
    data.insert(data.end(), b, b + w.written());
    return *this;
  }
};

inline bool has_event(const std::vector<ConnectionEvent>& evs, ConnectionEventType t) {
  for (const ConnectionEvent& e : evs)
    if (e.type == t) return true;
  return false;
}

// Runs the pair for `d` of virtual time without jumping past it (a plain
// run_until would leap to the next deadline, which may be the idle timeout).
inline void settle(Pipe& p, Duration d) {
  const Timestamp end = p.now + d;
  for (int guard = 0; guard < 100000; ++guard) {
    p.flush(*p.client, p.to_server);
    if (p.server) p.flush(*p.server, p.to_client);
    Timestamp next = std::min(p.client->next_deadline(), p.server ? p.server->next_deadline() : kTimeInfinite);
    if (!p.to_server.empty()) next = std::min(next, p.to_server.front().arrival);
    if (!p.to_client.empty()) next = std::min(next, p.to_client.front().arrival);
    if (next > end || ::testing::Test::HasFatalFailure()) break;
    p.step();
  }
  p.now = std::max(p.now, end);
}

// Handshake done and confirmed on both sides, NEW_CONNECTION_ID and session
// ticket exchanged: the steady state of a fresh connection.
inline bool establish(Pipe& p) {
  if (!p.handshake()) return false;
  if (!p.run_until([&] { return has_event(p.client_events, ConnectionEventType::handshake_confirmed); }))
    return false;
  settle(p, 200ms);  // let the post-handshake frames (NEW_CONNECTION_ID, tickets) arrive
  return !::testing::Test::HasFatalFailure();
}

// The client's first flight has reached the server, which answered it in
// memory (Initial and Handshake keys installed, nothing sent yet).
inline bool server_mid_handshake(Pipe& p) {
  p.start_client();
  return p.run_until([&] { return p.server != nullptr; });
}

// The client received the server's flight and completed its handshake; the
// server's HANDSHAKE_DONE is not there yet, so Handshake keys still exist.
inline bool client_unconfirmed(Pipe& p) {
  p.start_client();
  return p.run_until([&] { return p.client->is_established(); }) &&
         !has_event(p.client_events, ConnectionEventType::handshake_confirmed);
}

inline void inject(Pipe& p, Connection& c, wire::EncryptionLevel level, std::vector<std::uint8_t> payload) {
  c.process_payload_for_testing(level, payload, p.now);
  p.drain_events();
}

// `victim` closed on its own with `code` (and `frame_type` when given), its
// CONNECTION_CLOSE reached `peer`, which reports the same code and frame
// type, and both sides then reach the closed state with nothing armed.
inline void expect_connection_error(Pipe& p, Connection& victim, Connection& peer, TransportErrorCode code,
                                    std::optional<std::uint64_t> frame_type) {
  const CloseInfo& mine = victim.close_info();
  ASSERT_TRUE(mine.closed) << "the connection stayed open";
  EXPECT_FALSE(mine.by_peer);
  EXPECT_FALSE(mine.is_application);
  EXPECT_EQ(mine.error_code, static_cast<std::uint64_t>(code)) << "reason: " << mine.reason;
  if (frame_type) {
    EXPECT_EQ(mine.frame_type, *frame_type) << "reason: " << mine.reason;
  }
  EXPECT_FALSE(mine.reason.empty());
  ASSERT_TRUE(p.run_until([&] { return peer.close_info().closed; }, 5s))
      << "no CONNECTION_CLOSE reached the peer";
  const CloseInfo& theirs = peer.close_info();
  EXPECT_TRUE(theirs.by_peer) << "peer closed for its own reason: " << theirs.reason;
  EXPECT_FALSE(theirs.is_application);
  EXPECT_EQ(theirs.error_code, mine.error_code);
  EXPECT_EQ(theirs.frame_type, mine.frame_type);
  EXPECT_TRUE(has_event(&victim == p.server.get() ? p.server_events : p.client_events,
                        ConnectionEventType::closed));
  ASSERT_TRUE(p.run_until([&] { return victim.is_closed() && peer.is_closed(); }, 10s))
      << "closing/draining never ended";
  EXPECT_EQ(victim.next_deadline(), kTimeInfinite);
  EXPECT_EQ(peer.next_deadline(), kTimeInfinite);
  auto t = victim.write_train(p.tx, p.now);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->segments, 0u);
}

// `c` is still open after the input: it was accepted or ignored.
inline void expect_still_open(Pipe& p, Connection& c) {
  EXPECT_FALSE(c.close_info().closed) << "closed with " << c.close_info().error_code << ": " << c.close_info().reason;
  settle(p, 100ms);
  EXPECT_FALSE(p.client->close_info().closed) << p.client->close_info().reason;
  EXPECT_FALSE(p.server->close_info().closed) << p.server->close_info().reason;
}

constexpr std::uint64_t code_of(TransportErrorCode c) { return static_cast<std::uint64_t>(c); }

// --- frames used by several files ---

// STREAM with OFF and LEN bits (0x0e/0x0f): `n` bytes of 0x5a at `offset`.
inline std::vector<std::uint8_t> stream_frame(std::uint64_t id, std::uint64_t offset, std::size_t n,
                                              bool fin = false) {
  return Bytes().u8(fin ? 0x0f : 0x0e).v(id).v(offset).v(n).fill(n, 0x5a).data;
}
inline std::vector<std::uint8_t> reset_stream(std::uint64_t id, std::uint64_t final_size, std::uint64_t code = 7) {
  return Bytes().u8(0x04).v(id).v(code).v(final_size).data;
}
inline std::vector<std::uint8_t> stop_sending(std::uint64_t id) { return Bytes().u8(0x05).v(id).v(3).data; }
inline std::vector<std::uint8_t> max_stream_data(std::uint64_t id, std::uint64_t max) {
  return Bytes().u8(0x11).v(id).v(max).data;
}
inline std::vector<std::uint8_t> stream_data_blocked(std::uint64_t id, std::uint64_t at) {
  return Bytes().u8(0x15).v(id).v(at).data;
}

// A sequence of payloads handed to one side of an established pair: every
// one but the last is legal; the last closes the connection with `code`.
struct SequenceCase {
  const char* name;
  bool at_server;  // the server receives them (else the client)
  std::vector<std::vector<std::uint8_t>> payloads;
  TransportErrorCode code;
  std::uint64_t frame_type;
};

inline void run_sequence(Pipe& p, const SequenceCase& c) {
  Connection& victim = c.at_server ? *p.server : *p.client;
  Connection& peer = c.at_server ? *p.client : *p.server;
  for (std::size_t i = 0; i < c.payloads.size(); ++i) {
    inject(p, victim, wire::EncryptionLevel::one_rtt, c.payloads[i]);
    if (i + 1 < c.payloads.size()) {
      ASSERT_FALSE(victim.close_info().closed)
          << "payload " << i << " closed early: " << victim.close_info().reason;
    }
  }
  expect_connection_error(p, victim, peer, c.code, c.frame_type);
}

inline std::string case_name(const ::testing::TestParamInfo<SequenceCase>& i) { return i.param.name; }

}  // namespace tquic::transport::testing
