// 1-RTT key update (RFC 9001 §6).
//
//   secret_<n+1> = HKDF-Expand-Label(secret_<n>, "quic ku", "", Hash.length)
//   ("quicv2 ku" for QUIC v2); key and IV are re-derived from it, the header
//   protection key never changes.
//
// KeyPhaseState holds the 1-RTT AEADs of one connection: the send key of the
// current phase and the previous / current / next receive keys. Next receive
// keys are always derived ahead of time, so opening a packet with a flipped
// Key Phase bit never generates keys on the packet path (§9.5). The state
// machine records facts (packets sent, acknowledged, opened) and answers
// questions; *when* to update or to drop old keys (handshake confirmed, 3*PTO)
// is the transport's decision — timestamps are parameters, no clock is read.
#pragma once

#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/aead.h"
#include "crypto/backend_selection.h"
#include "crypto/cipher_suite.h"
#include "crypto/header_protection.h"
#include "crypto/packet_protection.h"
#include "crypto/quic_version.h"
#include "crypto/secret.h"

namespace tquic::crypto {

// "quic ku" / "quicv2 ku" derivation of the next generation secret.
Status derive_next_secret(CipherSuite suite, QuicVersion version, ByteSpan secret, Secret& next);

enum class RecvKeySlot : std::uint8_t { previous, current, next };

class KeyPhaseState {
 public:
  // Installs the first 1-RTT secrets (key phase 0) and derives the next
  // receive keys. `factory` creates the AEADs (make_aead: measured default
  // backend; the simulator passes NullProtection::aead_factory).
  Status install(CipherSuite suite, QuicVersion version, ByteSpan send_secret, ByteSpan recv_secret,
                 AeadFactory factory = &make_aead);
  bool installed() const { return send_aead_ != nullptr; }

  // --- sending
  std::uint64_t key_phase() const { return phase_; }  // number of updates so far
  std::uint8_t key_phase_bit() const { return static_cast<std::uint8_t>(phase_ & 1); }
  Aead& send_aead() { return *send_aead_; }
  // Every 1-RTT packet sealed with send_aead().
  void on_packet_sent(std::uint64_t packet_number);
  // Largest 1-RTT packet number acknowledged by the peer.
  void on_packet_acked(std::uint64_t packet_number);
  std::uint64_t packets_protected_in_phase() const { return sent_in_phase_; }
  // The confidentiality limit (§6.6) for the current send key is reached.
  bool confidentiality_limit_reached() const;
  // §6.1: a packet sent in the current phase has been acknowledged. The
  // transport adds its own conditions (handshake confirmed, 3*PTO, §6.5).
  bool update_permitted() const;
  // Moves both directions to the next phase. Local error if !update_permitted().
  Status initiate_update(Timestamp now);

  // --- receiving
  // Chooses the keys for a packet from its Key Phase bit and recovered packet
  // number (§6.3, §6.5). Selection only: no keys are derived here.
  RecvKeySlot select_recv_keys(std::uint8_t key_phase_bit, std::uint64_t packet_number) const;
  Aead& recv_aead(RecvKeySlot slot);
  // Call after a packet opened successfully with `slot`. Opening with the
  // next keys completes a peer-initiated update (send keys follow, §6.2).
  // KEY_UPDATE_ERROR if the peer updated again before we sent any packet in
  // the current phase (§6.2) or old keys opened a packet newer than one
  // opened with current keys (§6.4).
  Status on_packet_opened(RecvKeySlot slot, std::uint64_t packet_number, Timestamp now);

  // --- retention of the previous receive keys (§6.5)
  bool has_previous_keys() const { return recv_previous_ != nullptr; }
  Timestamp last_update_time() const { return last_update_; }
  void discard_previous_keys() { recv_previous_.reset(); }

 private:
  Status rotate(Timestamp now);

  CipherSuite suite_ = CipherSuite::aes_128_gcm_sha256;
  QuicVersion version_ = QuicVersion::v1;
  AeadFactory factory_ = nullptr;

  Secret send_secret_;
  Secret recv_secret_;       // secret of recv_current_
  Secret recv_next_secret_;  // secret of recv_next_
  std::unique_ptr<Aead> send_aead_;
  std::unique_ptr<Aead> recv_previous_;
  std::unique_ptr<Aead> recv_current_;
  std::unique_ptr<Aead> recv_next_;

  std::uint64_t phase_ = 0;
  std::uint64_t sent_in_phase_ = 0;
  std::uint64_t first_sent_pn_in_phase_ = 0;
  bool sent_any_in_phase_ = false;
  std::uint64_t largest_acked_ = 0;
  bool acked_any_ = false;
  std::uint64_t lowest_recv_pn_in_phase_ = 0;
  bool received_any_in_phase_ = false;
  Timestamp last_update_ = kTimeZero;
};

// The whole receive path of a 1-RTT (short header) packet: removes header
// protection, decodes the packet number against largest_pn, picks the keys
// from the Key Phase bit (0x04 of the unprotected first byte), opens the
// payload in place and reports success to `keys` (which may complete a
// peer-initiated key update). Forgeries are an outcome; KEY_UPDATE_ERROR and
// library failures are errors.
Result<UnprotectedPacket> unprotect_one_rtt(MutByteSpan packet, std::size_t pn_offset,
                                            std::uint64_t largest_pn, KeyPhaseState& keys,
                                            HeaderProtector& hp, Timestamp now);

}  // namespace tquic::crypto
