// What an HTTP/3 session announces and how it encodes (RFC 9114 §7.2.4,
// RFC 9204 §5, RFC 9297 §2.1.1, RFC 9220 §3).
#pragma once

#include <cstdint>

#include "h3/qpack/encoder.h"

namespace tquic::h3 {

struct SessionConfig {
  // --- our QPACK decoder (what the peer's encoder may use) ---
  std::uint64_t qpack_max_table_capacity = 4096;  // SETTINGS_QPACK_MAX_TABLE_CAPACITY
  std::uint64_t qpack_blocked_streams = 16;       // SETTINGS_QPACK_BLOCKED_STREAMS
  // SETTINGS_MAX_FIELD_SECTION_SIZE we announce and enforce (§4.2.2); also
  // bounds a HEADERS frame and the decoder's scratch memory.
  std::uint64_t max_field_section_size = 64 * 1024;

  // --- our QPACK encoder ---
  // 0: static table and literals only, so our sections never block the
  // peer. Otherwise the largest dynamic table we use (min with the peer's).
  std::uint64_t encoder_max_table_capacity = 0;
  qpack::InsertPolicy encoder_insert_policy = qpack::InsertPolicy::repeated;
  bool use_huffman = true;

  // --- extensions ---
  // SETTINGS_H3_DATAGRAM=1. The connection must allow DATAGRAM frames too
  // (transport::ConnectionConfig::max_datagram_frame_size > 0).
  bool enable_datagrams = true;
  // Server: SETTINGS_ENABLE_CONNECT_PROTOCOL=1, accept extended CONNECT.
  bool enable_connect_protocol = false;
  // Send a reserved setting and a reserved frame on the control stream
  // (§7.2.4.1, §7.2.8) so peers that choke on unknown values show up early.
  bool grease = true;
};

}  // namespace tquic::h3
