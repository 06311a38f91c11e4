// One struct per QUIC frame, with the field names of the specifications:
// RFC 9000 §19, RFC 9221 (DATAGRAM), draft-ietf-quic-ack-frequency and
// draft-ietf-quic-multipath. `Frame` is the variant the decoder returns and
// the encoder takes (wire/frame_decoder.h, wire/frame_encoder.h).
//
// Nothing here owns memory: payloads (STREAM/CRYPTO/DATAGRAM data, NEW_TOKEN
// token, CONNECTION_CLOSE reason phrase, encoded ACK ranges) are views into
// the packet, valid while the packet buffer is. Views compare by content, so
// every struct has a defaulted operator==.
//
// Every struct names its wire type: `kType` for single-codepoint frames and a
// `type()` member for all of them (flag bits included).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>

#include "wire/quic_limits.h"
#include "base/bytes.h"
#include "wire/ack_frame.h"
#include "wire/connection_id.h"
#include "wire/frame_type.h"

namespace tquic::wire {

// RFC 9000 §19.11: a MAX_STREAMS / STREAMS_BLOCKED count above 2^60 would
// allow stream IDs above 2^62-1.
// RFC 9000 §19.7, §19.8: offset + length of STREAM / CRYPTO data.
inline constexpr std::uint64_t kMaxStreamOffset = (std::uint64_t{1} << 62) - 1;
// draft-ietf-quic-multipath "initial_max_path_id": path IDs fit in 32 bits.
inline constexpr std::uint64_t kMaxPathIdValue = 0xffffffff;
inline constexpr std::size_t kPathChallengeDataLength = 8;

using PathChallengeData = std::array<std::uint8_t, kPathChallengeDataLength>;

// A view into packet memory that compares by content.
struct PayloadView {
  ByteSpan bytes{};

  constexpr PayloadView() = default;
  constexpr PayloadView(ByteSpan b) : bytes(b) {}  // NOLINT: implicit on purpose
  constexpr operator ByteSpan() const { return bytes; }  // NOLINT

  std::size_t size() const { return bytes.size(); }
  bool empty() const { return bytes.empty(); }
  const std::uint8_t* data() const { return bytes.data(); }
  friend bool operator==(const PayloadView& a, const PayloadView& b) {
    return std::equal(a.bytes.begin(), a.bytes.end(), b.bytes.begin(), b.bytes.end());
  }
};

// The fields ACK and PATH_ACK share (RFC 9000 §19.3). `ack_range_bytes`
// holds the `ack_range_count` Gap/ACK Range Length pairs as received; the
// decoder has checked that no range goes below packet number 0. Iterate the
// ranges, largest first, with `for (AckRange r : frame.ranges())`.
// To build an ACK for sending, use encode_ack_frame() (wire/ack_frame.h).
struct AckFields {
  std::uint64_t largest_acknowledged = 0;
  std::uint64_t ack_delay = 0;  // encoded units: multiply by 2^ack_delay_exponent
  std::uint64_t ack_range_count = 0;
  std::uint64_t first_ack_range = 0;
  PayloadView ack_range_bytes{};
  std::optional<EcnCounts> ecn_counts{};  // present for types 0x03 / 0x3f

  AckRangeView ranges() const {
    return {largest_acknowledged, first_ack_range, ack_range_count, ack_range_bytes};
  }
  friend bool operator==(const AckFields&, const AckFields&) = default;
};

// PADDING (0x00). The decoder folds a run of PADDING bytes into one frame of
// `length` bytes; the encoder writes `length` zero bytes (length >= 1).
struct PaddingFrame {
  static constexpr FrameType kType = FrameType::padding;
  std::size_t length = 1;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const PaddingFrame&, const PaddingFrame&) = default;
};

struct PingFrame {
  static constexpr FrameType kType = FrameType::ping;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const PingFrame&, const PingFrame&) = default;
};

// ACK (0x02, or 0x03 with ECN counts).
struct AckFrame : AckFields {
  FrameType type() const { return ecn_counts ? FrameType::ack_ecn : FrameType::ack; }
  friend bool operator==(const AckFrame&, const AckFrame&) = default;
};

struct ResetStreamFrame {
  static constexpr FrameType kType = FrameType::reset_stream;
  std::uint64_t stream_id = 0;
  std::uint64_t application_protocol_error_code = 0;
  std::uint64_t final_size = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const ResetStreamFrame&, const ResetStreamFrame&) = default;
};

struct StopSendingFrame {
  static constexpr FrameType kType = FrameType::stop_sending;
  std::uint64_t stream_id = 0;
  std::uint64_t application_protocol_error_code = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const StopSendingFrame&, const StopSendingFrame&) = default;
};

struct CryptoFrame {
  static constexpr FrameType kType = FrameType::crypto;
  std::uint64_t offset = 0;
  PayloadView crypto_data{};
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const CryptoFrame&, const CryptoFrame&) = default;
};

struct NewTokenFrame {
  static constexpr FrameType kType = FrameType::new_token;
  PayloadView token{};  // never empty on the wire (RFC 9000 §19.7)
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const NewTokenFrame&, const NewTokenFrame&) = default;
};

// STREAM (0x08-0x0f). The OFF bit is set iff offset != 0; the LEN bit iff
// has_length. Without a Length field the data runs to the end of the
// packet, so such a frame must be the last one.
struct StreamFrame {
  std::uint64_t stream_id = 0;
  std::uint64_t offset = 0;
  PayloadView stream_data{};
  bool fin = false;
  bool has_length = true;
  constexpr FrameType type() const { return stream_frame_type(offset != 0, has_length, fin); }
  friend bool operator==(const StreamFrame&, const StreamFrame&) = default;
};

struct MaxDataFrame {
  static constexpr FrameType kType = FrameType::max_data;
  std::uint64_t maximum_data = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const MaxDataFrame&, const MaxDataFrame&) = default;
};

struct MaxStreamDataFrame {
  static constexpr FrameType kType = FrameType::max_stream_data;
  std::uint64_t stream_id = 0;
  std::uint64_t maximum_stream_data = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const MaxStreamDataFrame&, const MaxStreamDataFrame&) = default;
};

// MAX_STREAMS (0x12 bidirectional, 0x13 unidirectional).
struct MaxStreamsFrame {
  bool bidirectional = true;
  std::uint64_t maximum_streams = 0;  // <= 2^60
  constexpr FrameType type() const {
    return bidirectional ? FrameType::max_streams_bidi : FrameType::max_streams_uni;
  }
  friend bool operator==(const MaxStreamsFrame&, const MaxStreamsFrame&) = default;
};

struct DataBlockedFrame {
  static constexpr FrameType kType = FrameType::data_blocked;
  std::uint64_t maximum_data = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const DataBlockedFrame&, const DataBlockedFrame&) = default;
};

struct StreamDataBlockedFrame {
  static constexpr FrameType kType = FrameType::stream_data_blocked;
  std::uint64_t stream_id = 0;
  std::uint64_t maximum_stream_data = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const StreamDataBlockedFrame&, const StreamDataBlockedFrame&) = default;
};

// STREAMS_BLOCKED (0x16 bidirectional, 0x17 unidirectional).
struct StreamsBlockedFrame {
  bool bidirectional = true;
  std::uint64_t maximum_streams = 0;  // <= 2^60
  constexpr FrameType type() const {
    return bidirectional ? FrameType::streams_blocked_bidi : FrameType::streams_blocked_uni;
  }
  friend bool operator==(const StreamsBlockedFrame&, const StreamsBlockedFrame&) = default;
};

struct NewConnectionIdFrame {
  static constexpr FrameType kType = FrameType::new_connection_id;
  std::uint64_t sequence_number = 0;
  std::uint64_t retire_prior_to = 0;  // <= sequence_number
  ConnectionId connection_id;         // 1..20 bytes
  StatelessResetToken stateless_reset_token{};
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const NewConnectionIdFrame&, const NewConnectionIdFrame&) = default;
};

struct RetireConnectionIdFrame {
  static constexpr FrameType kType = FrameType::retire_connection_id;
  std::uint64_t sequence_number = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const RetireConnectionIdFrame&,
                         const RetireConnectionIdFrame&) = default;
};

struct PathChallengeFrame {
  static constexpr FrameType kType = FrameType::path_challenge;
  PathChallengeData data{};
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const PathChallengeFrame&, const PathChallengeFrame&) = default;
};

struct PathResponseFrame {
  static constexpr FrameType kType = FrameType::path_response;
  PathChallengeData data{};
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const PathResponseFrame&, const PathResponseFrame&) = default;
};

// CONNECTION_CLOSE: 0x1c (transport error, carries Frame Type) or 0x1d
// (application error, no Frame Type field: frame_type is then ignored by the
// encoder and 0 after decoding).
struct ConnectionCloseFrame {
  bool is_application = false;
  std::uint64_t error_code = 0;
  std::uint64_t frame_type = 0;  // frame that triggered the error; 0 if unknown
  PayloadView reason_phrase{};
  constexpr FrameType type() const {
    return is_application ? FrameType::connection_close_app : FrameType::connection_close;
  }
  friend bool operator==(const ConnectionCloseFrame&, const ConnectionCloseFrame&) = default;
};

struct HandshakeDoneFrame {
  static constexpr FrameType kType = FrameType::handshake_done;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const HandshakeDoneFrame&, const HandshakeDoneFrame&) = default;
};

// DATAGRAM (RFC 9221): 0x31 with a Length field, 0x30 running to the end of
// the packet. Empty datagrams are allowed.
struct DatagramFrame {
  PayloadView datagram_data{};
  bool has_length = true;
  constexpr FrameType type() const {
    return has_length ? FrameType::datagram_len : FrameType::datagram;
  }
  friend bool operator==(const DatagramFrame&, const DatagramFrame&) = default;
};

// ACK_FREQUENCY (draft-ietf-quic-ack-frequency).
struct AckFrequencyFrame {
  static constexpr FrameType kType = FrameType::ack_frequency;
  std::uint64_t sequence_number = 0;
  std::uint64_t ack_eliciting_threshold = 0;
  std::uint64_t requested_max_ack_delay = 0;  // microseconds
  std::uint64_t reordering_threshold = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const AckFrequencyFrame&, const AckFrequencyFrame&) = default;
};

struct ImmediateAckFrame {
  static constexpr FrameType kType = FrameType::immediate_ack;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const ImmediateAckFrame&, const ImmediateAckFrame&) = default;
};

// --- draft-ietf-quic-multipath ------------------------------------------
// Path IDs are not range-checked by the decoder: comparing them with the
// local maximum (<= 2^32-1) is the transport's job (PROTOCOL_VIOLATION).

// PATH_ACK (0x3e, or 0x3f with ECN counts).
struct PathAckFrame : AckFields {
  std::uint64_t path_id = 0;
  FrameType type() const { return ecn_counts ? FrameType::path_ack_ecn : FrameType::path_ack; }
  friend bool operator==(const PathAckFrame&, const PathAckFrame&) = default;
};

struct PathAbandonFrame {
  static constexpr FrameType kType = FrameType::path_abandon;
  std::uint64_t path_id = 0;
  std::uint64_t error_code = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const PathAbandonFrame&, const PathAbandonFrame&) = default;
};

struct PathStatusBackupFrame {
  static constexpr FrameType kType = FrameType::path_status_backup;
  std::uint64_t path_id = 0;
  std::uint64_t path_status_sequence_number = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const PathStatusBackupFrame&, const PathStatusBackupFrame&) = default;
};

struct PathStatusAvailableFrame {
  static constexpr FrameType kType = FrameType::path_status_available;
  std::uint64_t path_id = 0;
  std::uint64_t path_status_sequence_number = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const PathStatusAvailableFrame&,
                         const PathStatusAvailableFrame&) = default;
};

struct PathNewConnectionIdFrame {
  static constexpr FrameType kType = FrameType::path_new_connection_id;
  std::uint64_t path_id = 0;
  std::uint64_t sequence_number = 0;
  std::uint64_t retire_prior_to = 0;  // <= sequence_number
  ConnectionId connection_id;         // 1..20 bytes
  StatelessResetToken stateless_reset_token{};
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const PathNewConnectionIdFrame&,
                         const PathNewConnectionIdFrame&) = default;
};

struct PathRetireConnectionIdFrame {
  static constexpr FrameType kType = FrameType::path_retire_connection_id;
  std::uint64_t path_id = 0;
  std::uint64_t sequence_number = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const PathRetireConnectionIdFrame&,
                         const PathRetireConnectionIdFrame&) = default;
};

struct MaxPathIdFrame {
  static constexpr FrameType kType = FrameType::max_path_id;
  std::uint64_t maximum_path_id = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const MaxPathIdFrame&, const MaxPathIdFrame&) = default;
};

struct PathsBlockedFrame {
  static constexpr FrameType kType = FrameType::paths_blocked;
  std::uint64_t maximum_path_id = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const PathsBlockedFrame&, const PathsBlockedFrame&) = default;
};

struct PathCidsBlockedFrame {
  static constexpr FrameType kType = FrameType::path_cids_blocked;
  std::uint64_t path_id = 0;
  std::uint64_t next_sequence_number = 0;
  constexpr FrameType type() const { return kType; }
  friend bool operator==(const PathCidsBlockedFrame&, const PathCidsBlockedFrame&) = default;
};

using Frame = std::variant<
    PaddingFrame, PingFrame, AckFrame, ResetStreamFrame, StopSendingFrame, CryptoFrame,
    NewTokenFrame, StreamFrame, MaxDataFrame, MaxStreamDataFrame, MaxStreamsFrame,
    DataBlockedFrame, StreamDataBlockedFrame, StreamsBlockedFrame, NewConnectionIdFrame,
    RetireConnectionIdFrame, PathChallengeFrame, PathResponseFrame, ConnectionCloseFrame,
    HandshakeDoneFrame, DatagramFrame, AckFrequencyFrame, ImmediateAckFrame, PathAckFrame,
    PathAbandonFrame, PathStatusBackupFrame, PathStatusAvailableFrame, PathNewConnectionIdFrame,
    PathRetireConnectionIdFrame, MaxPathIdFrame, PathsBlockedFrame, PathCidsBlockedFrame>;

// The exact wire type of a frame (flag bits included).
inline FrameType frame_type_of(const Frame& f) {
  return std::visit([](const auto& x) { return x.type(); }, f);
}

}  // namespace tquic::wire
