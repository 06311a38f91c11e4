// Packet header fuzzer: walks the input as one UDP datagram of coalesced
// packets. The first input byte picks the short-header DCID length (0..20).
// Every header that parses is re-written with the writers and re-parsed; the
// fields must match (and the bytes too wherever the encoding is canonical).
// VN, Retry and packet-number decoding are checked the same way. Uses only
// static buffers: nothing is allocated per input.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "wire/header_drop.h"
#include "wire/invariant_header.h"
#include "wire/packet_header.h"
#include "wire/packet_header_writer.h"
#include "wire/packet_number.h"
#include "wire/retry_packet.h"
#include "wire/varint.h"
#include "wire/version_negotiation.h"

namespace tquic::wire {
namespace {

constexpr std::size_t kMaxInput = 1 << 16;
std::array<std::uint8_t, kMaxInput + 64> g_out;
std::array<std::uint32_t, kMaxInput / 4> g_versions;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool same(ByteSpan a, ByteSpan b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

// Offset and width of the Length varint of a parsed long header.
std::size_t length_field_offset(ByteSpan packet, const PacketHeader& h) {
  std::size_t off = 1 + 4 + 1 + h.dcid.size() + 1 + h.scid.size();
  if (h.type == PacketType::initial)
    off = static_cast<std::size_t>(h.token.data() - packet.data()) + h.token.size();
  return off;
}

void check_long(ByteSpan packet, const PacketHeader& h, const UnprotectedHeader& u) {
  LongHeaderFields f;
  f.type = h.type;
  f.version = h.version;
  f.dcid = h.dcid;
  f.scid = h.scid;
  f.token = h.token;
  f.length_field_size = h.length <= 16383 ? 2 : 4;
  ByteWriter w(g_out);
  auto layout = write_long_header(w, f, u.truncated_pn, u.pn_length);
  check(layout.ok());
  const ByteSpan payload = packet.subspan(u.payload_offset);
  check(w.write_bytes(payload));
  check(set_long_header_length(w.buffer(), *layout, w.written()));
  auto again = parse_packet_header(w.data(), 0);
  check(again.ok());
  check(again->type == h.type && again->version == h.version && again->dcid == h.dcid &&
        again->scid == h.scid && same(again->token, h.token) && again->length == h.length &&
        again->packet_size == w.written());
  auto u2 = read_unprotected_header(w.data(), *again);
  check(u2.ok() && u2->truncated_pn == u.truncated_pn && u2->pn_length == u.pn_length &&
        same(w.data().subspan(u2->payload_offset), payload));
  // Canonical input (reserved bits 0, minimal token length, Length in the
  // width we write) must come back byte for byte.
  const std::size_t len_off = length_field_offset(packet, h);
  const bool canonical_token = h.type != PacketType::initial ||
                               len_off - h.token.size() == 1 + 4 + 1 + h.dcid.size() + 1 +
                                                              h.scid.size() +
                                                              varint_size(h.token.size());
  if (u.reserved_bits == 0 && canonical_token &&
      varint_length_from_first_byte(packet[len_off]) == f.length_field_size)
    check(same(w.data(), packet));
}

void check_short(ByteSpan packet, const PacketHeader& h, const UnprotectedHeader& u) {
  ShortHeaderFields f;
  f.dcid = h.dcid;
  f.spin_bit = h.spin_bit;
  f.key_phase = u.key_phase;
  ByteWriter w(g_out);
  auto layout = write_short_header(w, f, u.truncated_pn, u.pn_length);
  check(layout.ok() && layout->pn_offset == h.pn_offset);
  const ByteSpan written = w.data();
  check(same(written.subspan(1), packet.subspan(1, written.size() - 1)));
  if (u.reserved_bits == 0) check(written[0] == packet[0]);
}

void check_retry(ByteSpan packet, const PacketHeader& h) {
  auto r = parse_retry(packet);
  check(r.ok() && r->dcid == h.dcid && r->scid == h.scid && same(r->token, h.token));
  RetryFields f;
  f.version = r->version;
  f.dcid = r->dcid;
  f.scid = r->scid;
  f.token = r->token;
  f.unused_bits = r->first_byte & 0x0f;
  ByteWriter w(g_out);
  check(write_retry(w, f).ok());
  check(w.write_bytes(r->integrity_tag));
  check(same(w.data(), packet));
  ByteWriter pw(g_out);
  check(write_retry_pseudo_packet(pw, h.scid, r->without_tag).ok());
  check(pw.written() == retry_pseudo_packet_size(h.scid, r->without_tag));
}

void check_version_negotiation(ByteSpan packet) {
  auto vn = parse_version_negotiation(packet);
  if (!vn) return;
  std::size_t n = 0;
  for (std::uint32_t v : vn->versions) g_versions[n++] = v;
  check(n == vn->versions.size() && n > 0);
  ByteWriter w(g_out);
  check(write_version_negotiation(w, vn->dcid, vn->scid,
                                  std::span<const std::uint32_t>(g_versions.data(), n),
                                  vn->first_byte)
            .ok());
  check(w.data()[0] == (packet[0] | kFixedBit) && same(w.data().subspan(1), packet.subspan(1)));
}

void check_packet(ByteSpan packet, const PacketHeader& h) {
  if (h.type == PacketType::version_negotiation) return check_version_negotiation(packet);
  if (h.type == PacketType::retry) return check_retry(packet, h);
  auto u = read_unprotected_header(packet, h);
  check(u.ok() && u->payload_offset + u->payload_length == h.packet_size);
  check(h.packet_size >= h.sample_offset() + kHeaderProtectionSampleLength);
  if (h.is_long_header()) check_long(packet, h, *u);
  else check_short(packet, h, *u);
}

// Decoding lands in the window around the expected packet number and keeps
// the truncated bits; encoding with the A.2 length always decodes back.
void check_packet_numbers(ByteSpan data) {
  ByteReader r(data);
  std::uint64_t a = 0;
  std::uint32_t t = 0;
  std::uint8_t nb = 0;
  if (!r.read_u64(a) || !r.read_u32(t) || !r.read_u8(nb)) return;
  const std::uint64_t largest = a & (kMaxPacketNumber >> 2);  // stay clear of 2^62
  const std::size_t nbits = 8 * (1 + (nb & 3));
  const std::uint64_t mask = (std::uint64_t{1} << nbits) - 1;
  const std::uint64_t pn = decode_packet_number(largest, t, nbits);
  check((pn & mask) == (t & mask));
  const std::uint64_t expected = largest + 1;
  const std::uint64_t hwin = (mask + 1) / 2;
  if (expected >= hwin) check(pn + hwin > expected && pn <= expected + hwin);
  const std::uint64_t full = largest + 1 + ((t >> 1) >> (nb >> 3 & 31));  // gap < 2^31
  const std::size_t len = packet_number_length(full, largest);
  check(decode_packet_number(largest, truncate_packet_number(full, len), len * 8) == full);
}

}  // namespace
}  // namespace tquic::wire

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tquic::wire;
  if (size < 1 || size > kMaxInput) return 0;
  const std::size_t short_dcid_len = data[0] % (kMaxCidLength + 1);
  tquic::ByteSpan rest(data + 1, size - 1);
  check_packet_numbers(rest);
  while (!rest.empty()) {
    auto inv = parse_invariant_header(rest, short_dcid_len);
    auto h = parse_packet_header(rest, short_dcid_len);
    if (!h) {
      check(tquic::wire::is_header_drop(h.error()));
      check(inv.ok() || tquic::wire::header_drop_reason(h.error()) == HeaderDropReason::truncated);
      break;
    }
    check(inv.ok() && h->packet_size > 0 && h->packet_size <= rest.size());
    check_packet(rest.first(h->packet_size), *h);
    rest = rest.subspan(h->packet_size);
  }
  return 0;
}
