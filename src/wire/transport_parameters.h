// QUIC transport parameters (RFC 9000 §7.4, §18): the decoded struct, its
// codec and its validation.
//
// Covered: every RFC 9000 §18.2 parameter, max_datagram_frame_size (RFC 9221),
// version_information (RFC 9368 §3), initial_max_path_id (multipath draft) and
// min_ack_delay (ack-frequency draft). Unknown and reserved (GREASE) ids are
// skipped on decode; the encoder can emit caller-supplied GREASE parameters.
//
// Neither decode nor encode allocates. Integer parameters are kept in their
// wire units (ms / µs) so that every legal value round-trips; the Duration
// accessors convert (saturating).
//
// Split: transport_parameters.cc (decode), transport_parameters_encode.cc,
// transport_parameters_validate.cc (value rules and RFC 9000 §7.3 CID checks).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "wire/quic_limits.h"
#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "wire/connection_id.h"
#include "wire/role.h"

namespace tquic::wire {

// RFC 9000 §18.2 and extension codepoints.
enum class TransportParameterId : std::uint64_t {
  original_destination_connection_id = 0x00,
  max_idle_timeout = 0x01,
  stateless_reset_token = 0x02,
  max_udp_payload_size = 0x03,
  initial_max_data = 0x04,
  initial_max_stream_data_bidi_local = 0x05,
  initial_max_stream_data_bidi_remote = 0x06,
  initial_max_stream_data_uni = 0x07,
  initial_max_streams_bidi = 0x08,
  initial_max_streams_uni = 0x09,
  ack_delay_exponent = 0x0a,
  max_ack_delay = 0x0b,
  disable_active_migration = 0x0c,
  preferred_address = 0x0d,
  active_connection_id_limit = 0x0e,
  initial_source_connection_id = 0x0f,
  retry_source_connection_id = 0x10,
  version_information = 0x11,      // RFC 9368 §3
  max_datagram_frame_size = 0x20,  // RFC 9221 §3
  initial_max_path_id = 0x3e,      // draft-ietf-quic-multipath §"nego"
  min_ack_delay = 0xff04de1b,      // draft-ietf-quic-ack-frequency
};

// Defaults and limits (RFC 9000 §18.2 unless noted).
inline constexpr std::uint64_t kDefaultMaxUdpPayloadSize = 65527;
inline constexpr std::uint64_t kMinMaxUdpPayloadSize = 1200;
inline constexpr std::uint64_t kDefaultAckDelayExponent = 3;
inline constexpr std::uint64_t kMaxAckDelayExponent = 20;
inline constexpr std::uint64_t kDefaultMaxAckDelayMs = 25;
inline constexpr std::uint64_t kMaxAckDelayLimitMs = std::uint64_t{1} << 14;  // exclusive
inline constexpr std::uint64_t kDefaultActiveConnectionIdLimit = 2;
inline constexpr std::uint64_t kMaxPathIdLimit = 0xffffffffu;              // inclusive

// Reserved ids of the form 31 * N + 27 (RFC 9000 §18.1).
constexpr bool is_reserved_transport_parameter_id(std::uint64_t id) {
  return id >= 27 && (id - 27) % 31 == 0;
}

// preferred_address (RFC 9000 §18.2, Figure 22). An all-zero address and port
// means "no address of this family".
struct PreferredAddress {
  std::array<std::uint8_t, 4> ipv4_address{};
  std::uint16_t ipv4_port = 0;
  std::array<std::uint8_t, 16> ipv6_address{};
  std::uint16_t ipv6_port = 0;
  ConnectionId connection_id;  // sequence number 1; never empty
  StatelessResetToken stateless_reset_token{};

  bool has_ipv4() const;
  bool has_ipv6() const;
  friend bool operator==(const PreferredAddress&, const PreferredAddress&) = default;
};

// version_information (RFC 9368 §3): Chosen Version, then Available Versions.
// Up to kMaxAvailableVersions are kept inline; a peer listing more has the
// rest ignored and `available_versions_truncated()` set (the "chosen version
// is listed" rule is still checked over the whole wire list).
class VersionInformation {
 public:
  static constexpr std::size_t kMaxAvailableVersions = 32;

  std::uint32_t chosen_version = 0;

  std::span<const std::uint32_t> available_versions() const {
    return std::span<const std::uint32_t>(available_.data(), count_);
  }
  // False (nothing stored, `truncated` set) once kMaxAvailableVersions are held.
  bool add_available_version(std::uint32_t v);
  bool contains_available(std::uint32_t v) const;
  bool available_versions_truncated() const { return truncated_; }

  friend bool operator==(const VersionInformation& a, const VersionInformation& b);

 private:
  std::array<std::uint32_t, kMaxAvailableVersions> available_{};
  std::uint8_t count_ = 0;
  bool truncated_ = false;
};

struct TransportParameters {
  std::optional<ConnectionId> original_destination_connection_id;  // server only
  std::uint64_t max_idle_timeout_ms = 0;                           // 0: no idle timeout
  std::optional<StatelessResetToken> stateless_reset_token;        // server only
  std::uint64_t max_udp_payload_size = kDefaultMaxUdpPayloadSize;
  std::uint64_t initial_max_data = 0;
  std::uint64_t initial_max_stream_data_bidi_local = 0;
  std::uint64_t initial_max_stream_data_bidi_remote = 0;
  std::uint64_t initial_max_stream_data_uni = 0;
  std::uint64_t initial_max_streams_bidi = 0;
  std::uint64_t initial_max_streams_uni = 0;
  std::uint64_t ack_delay_exponent = kDefaultAckDelayExponent;
  std::uint64_t max_ack_delay_ms = kDefaultMaxAckDelayMs;
  bool disable_active_migration = false;
  std::optional<PreferredAddress> preferred_address;  // server only
  std::uint64_t active_connection_id_limit = kDefaultActiveConnectionIdLimit;
  std::optional<ConnectionId> initial_source_connection_id;  // required of both (§7.3)
  std::optional<ConnectionId> retry_source_connection_id;    // server only, iff Retry
  std::optional<VersionInformation> version_information;     // RFC 9368
  std::uint64_t max_datagram_frame_size = 0;                 // 0: no DATAGRAM (RFC 9221)
  std::optional<std::uint64_t> initial_max_path_id;          // present: multipath offered
  std::optional<std::uint64_t> min_ack_delay_us;             // present: ACK_FREQUENCY accepted

  Duration max_idle_timeout() const;  // saturates at kDurationInfinite
  Duration max_ack_delay() const;
  std::optional<Duration> min_ack_delay() const;

  friend bool operator==(const TransportParameters&, const TransportParameters&) = default;
};

// A reserved parameter for the encoder to emit (RFC 9000 §18.1 greasing). The
// caller supplies id and content (the core has no RNG); `value` must outlive
// the encode call.
struct GreaseTransportParameter {
  std::uint64_t id = 27;
  ByteSpan value{};
};

// Derives a GREASE parameter from caller-provided random bytes: the first 4
// bytes pick N (the id stays within a 4-byte varint), the rest is the value.
// Fewer than 4 bytes give N = 0 and an empty value.
GreaseTransportParameter make_grease_transport_parameter(ByteSpan random);

// Decodes the extension_data of quic_transport_parameters sent by `sender`.
// Every violation is a TRANSPORT_PARAMETER_ERROR: truncation, a value whose
// length does not match its encoding, duplicates of a known id, server-only
// parameters from a client, and the range rules of validate_transport_parameters.
// initial_source_connection_id / original_destination_connection_id presence
// is left to validate_peer_cids (it needs the connection's context).
Result<TransportParameters> decode_transport_parameters(ByteSpan in, Role sender);

// Value and cross-parameter rules for parameters sent by `sender` (RFC 9000
// §18.2, RFC 9368 §4, multipath and ack-frequency drafts). Called by decode
// and by encode (we never send what we would refuse).
Status validate_transport_parameters(const TransportParameters& tp, Role sender);

// Encodes `tp` as sent by `sender`, in id order, followed by `grease` (each id
// must be reserved). Parameters at their defaults are skipped. Returns false
// when the writer is too small, `tp` fails validate_transport_parameters,
// initial_source_connection_id is absent, a server lacks
// original_destination_connection_id, a grease id is not reserved, or an
// integer exceeds 2^62-1. On false nothing is written.
bool encode_transport_parameters(ByteWriter& w, const TransportParameters& tp, Role sender,
                                 std::span<const GreaseTransportParameter> grease = {});

// Exact number of bytes encode_transport_parameters writes for the same
// arguments; 0 when it would refuse them (a valid encoding is never empty).
std::size_t transport_parameters_encoded_size(
    const TransportParameters& tp, Role sender,
    std::span<const GreaseTransportParameter> grease = {});

// What the receiving endpoint observed during the handshake, to check the
// peer's CID parameters against (RFC 9000 §7.3).
struct CidExpectations {
  // Source Connection ID of the first Initial packet received from the peer.
  ConnectionId peer_initial_scid;
  // The connection ID the peer addresses us with in the handshake packets
  // that carry its parameters (multipath draft: must not be empty).
  ConnectionId local_cid;
  // Checked only when the peer is the server: the Destination Connection ID of
  // our first Initial packet, and the Source Connection ID of the Retry packet
  // we acted on (nullopt if no Retry was received).
  ConnectionId original_destination_cid;
  std::optional<ConnectionId> retry_scid;
};

// RFC 9000 §7.3: initial_source_connection_id is present and equals the peer's
// Initial SCID; from a server, original_destination_connection_id is present
// and matches, and retry_source_connection_id is present iff a Retry was
// received and then matches. All -> TRANSPORT_PARAMETER_ERROR. Multipath:
// initial_max_path_id with a zero-length CID on either side ->
// PROTOCOL_VIOLATION.
Status validate_peer_cids(const TransportParameters& tp, Role peer, const CidExpectations& cids);

}  // namespace tquic::wire
