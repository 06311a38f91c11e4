#include "crypto/key_update.h"

#include "crypto/hkdf.h"
#include "crypto/packet_keys.h"

namespace tquic::crypto {
namespace {

Result<std::unique_ptr<Aead>> aead_from_secret(AeadFactory factory, CipherSuite suite,
                                               QuicVersion version, ByteSpan secret) {
  Secret key;
  Secret iv;
  TQUIC_TRY(derive_aead_key_iv(suite, version, secret, key, iv));
  return factory(suite, key.span(), iv.span());
}

}  // namespace

Status derive_next_secret(CipherSuite suite, QuicVersion version, ByteSpan secret, Secret& next) {
  const HashAlgorithm hash = cipher_suite_traits(suite).hash;
  if (secret.size() != hash_length(hash)) return Error::local("secret length does not match hash");
  if (!next.resize(hash_length(hash))) return Error::local("secret too long");
  return hkdf_expand_label(hash, secret, version_constants(version).ku_label, ByteSpan(),
                           next.mutable_span());
}

Status KeyPhaseState::install(CipherSuite suite, QuicVersion version, ByteSpan send_secret,
                              ByteSpan recv_secret, AeadFactory factory) {
  if (factory == nullptr) return Error::local("no AEAD factory");
  Secret recv_next_secret;
  TQUIC_TRY(derive_next_secret(suite, version, recv_secret, recv_next_secret));
  TQUIC_TRY_ASSIGN(auto send, aead_from_secret(factory, suite, version, send_secret));
  TQUIC_TRY_ASSIGN(auto recv, aead_from_secret(factory, suite, version, recv_secret));
  TQUIC_TRY_ASSIGN(auto next, aead_from_secret(factory, suite, version, recv_next_secret.span()));
  *this = KeyPhaseState();
  suite_ = suite;
  version_ = version;
  factory_ = factory;
  if (!send_secret_.assign(send_secret) || !recv_secret_.assign(recv_secret)) {
    return Error::local("secret too long");
  }
  recv_next_secret_ = recv_next_secret;
  send_aead_ = std::move(send);
  recv_current_ = std::move(recv);
  recv_next_ = std::move(next);
  return ok_status();
}

void KeyPhaseState::on_packet_sent(std::uint64_t packet_number) {
  if (!sent_any_in_phase_) {
    sent_any_in_phase_ = true;
    first_sent_pn_in_phase_ = packet_number;
  }
  ++sent_in_phase_;
}

void KeyPhaseState::on_packet_acked(std::uint64_t packet_number) {
  if (!acked_any_ || packet_number > largest_acked_) largest_acked_ = packet_number;
  acked_any_ = true;
}

bool KeyPhaseState::confidentiality_limit_reached() const {
  return sent_in_phase_ >= aead_confidentiality_limit(suite_);
}

bool KeyPhaseState::update_permitted() const {
  return installed() && sent_any_in_phase_ && acked_any_ &&
         largest_acked_ >= first_sent_pn_in_phase_;
}

Status KeyPhaseState::initiate_update(Timestamp now) {
  if (!update_permitted()) {
    return Error::local("key update before a packet of the current phase was acknowledged");
  }
  return rotate(now);
}

RecvKeySlot KeyPhaseState::select_recv_keys(std::uint8_t key_phase_bit,
                                            std::uint64_t packet_number) const {
  if ((key_phase_bit & 1) == this->key_phase_bit()) return RecvKeySlot::current;
  // The other bit is either the previous phase (delayed packets) or the next
  // one (a peer-initiated update); packet numbers tell them apart (§6.5).
  const bool older = !received_any_in_phase_ || packet_number < lowest_recv_pn_in_phase_;
  if (has_previous_keys() && older) return RecvKeySlot::previous;
  return RecvKeySlot::next;
}

Aead& KeyPhaseState::recv_aead(RecvKeySlot slot) {
  switch (slot) {
    case RecvKeySlot::previous:
      if (recv_previous_ != nullptr) return *recv_previous_;
      break;
    case RecvKeySlot::current: return *recv_current_;
    case RecvKeySlot::next: return *recv_next_;
  }
  return *recv_next_;  // previous keys discarded: the next keys reject the packet
}

Status KeyPhaseState::on_packet_opened(RecvKeySlot slot, std::uint64_t packet_number,
                                       Timestamp now) {
  switch (slot) {
    case RecvKeySlot::previous:
      if (received_any_in_phase_ && packet_number > lowest_recv_pn_in_phase_) {
        return Error::transport(TransportErrorCode::KEY_UPDATE_ERROR,
                                "old keys opened a packet newer than the current phase");
      }
      return ok_status();
    case RecvKeySlot::current: break;
    case RecvKeySlot::next:
      if (!sent_any_in_phase_) {
        return Error::transport(TransportErrorCode::KEY_UPDATE_ERROR,
                                "peer updated keys again before acknowledging the last update");
      }
      TQUIC_TRY(rotate(now));
      break;
  }
  if (!received_any_in_phase_ || packet_number < lowest_recv_pn_in_phase_) {
    lowest_recv_pn_in_phase_ = packet_number;
  }
  received_any_in_phase_ = true;
  return ok_status();
}

Status KeyPhaseState::rotate(Timestamp now) {
  if (!installed()) return Error::local("key update before 1-RTT keys were installed");
  // Derive everything first so a failure leaves the state untouched.
  Secret send_secret;
  Secret recv_next_secret;
  TQUIC_TRY(derive_next_secret(suite_, version_, send_secret_.span(), send_secret));
  TQUIC_TRY(derive_next_secret(suite_, version_, recv_next_secret_.span(), recv_next_secret));
  TQUIC_TRY_ASSIGN(auto send, aead_from_secret(factory_, suite_, version_, send_secret.span()));
  TQUIC_TRY_ASSIGN(auto next,
                   aead_from_secret(factory_, suite_, version_, recv_next_secret.span()));
  send_secret_ = send_secret;
  recv_secret_ = recv_next_secret_;
  recv_next_secret_ = recv_next_secret;
  send_aead_ = std::move(send);
  recv_previous_ = std::move(recv_current_);
  recv_current_ = std::move(recv_next_);
  recv_next_ = std::move(next);
  ++phase_;
  sent_in_phase_ = 0;
  sent_any_in_phase_ = false;
  received_any_in_phase_ = false;
  last_update_ = now;
  return ok_status();
}

Result<UnprotectedPacket> unprotect_one_rtt(MutByteSpan packet, std::size_t pn_offset,
                                            std::uint64_t largest_pn, KeyPhaseState& keys,
                                            HeaderProtector& hp, Timestamp now) {
  if (!keys.installed()) return Error::local("1-RTT keys not installed");
  TQUIC_TRY_ASSIGN(const RemovedHeaderProtection header,
                   remove_header_protection(packet, pn_offset, hp));
  if (header.outcome != UnprotectOutcome::ok) {
    UnprotectedPacket dropped;
    dropped.outcome = header.outcome;
    return dropped;
  }
  const std::uint64_t pn = decode_packet_number(largest_pn, header.truncated_pn, header.pn_length);
  const auto key_phase_bit = static_cast<std::uint8_t>((header.first_byte >> 2) & 1);
  const RecvKeySlot slot = keys.select_recv_keys(key_phase_bit, pn);
  TQUIC_TRY_ASSIGN(UnprotectedPacket out, open_payload(packet, header, pn, keys.recv_aead(slot)));
  if (out.outcome == UnprotectOutcome::ok) TQUIC_TRY(keys.on_packet_opened(slot, pn, now));
  return out;
}

}  // namespace tquic::crypto
