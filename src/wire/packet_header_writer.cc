#include "wire/packet_header_writer.h"

#include "wire/invariant_header.h"
#include "wire/packet_number.h"
#include "wire/varint.h"

namespace tquic::wire {
namespace {

bool valid_pn_length(std::size_t n) {
  return n >= kMinPacketNumberLength && n <= kMaxPacketNumberLength;
}

bool valid_long_fields(const LongHeaderFields& f, std::size_t pn_length) {
  std::uint8_t bits = 0;
  if (!has_packet_number(f.type) || !long_packet_type_bits(f.version, f.type, bits)) return false;
  if (f.type != PacketType::initial && !f.token.empty()) return false;
  if (f.length_field_size != 2 && f.length_field_size != 4) return false;
  return valid_pn_length(pn_length) && f.token.size() <= kVarintMax;
}

}  // namespace

std::size_t long_header_size(const LongHeaderFields& f, std::size_t pn_length) {
  if (!valid_long_fields(f, pn_length)) return 0;
  std::size_t n = 1 + 4 + 1 + f.dcid.size() + 1 + f.scid.size();
  if (f.type == PacketType::initial) n += varint_size(f.token.size()) + f.token.size();
  return n + f.length_field_size + pn_length;
}

std::size_t short_header_size(std::size_t dcid_length, std::size_t pn_length) {
  if (dcid_length > kMaxCidLength || !valid_pn_length(pn_length)) return 0;
  return 1 + dcid_length + pn_length;
}

Result<HeaderLayout> write_long_header(ByteWriter& w, const LongHeaderFields& f,
                                       std::uint64_t full_pn, std::size_t pn_length) {
  const std::size_t size = long_header_size(f, pn_length);
  if (size == 0) return Error::local("invalid long header fields");
  if (w.remaining() < size) return Error::blocked("no room for the long header");
  std::uint8_t type_bits = 0;
  (void)long_packet_type_bits(f.version, f.type, type_bits);
  HeaderLayout l;
  l.packet_start = w.written();
  l.length_field_size = f.length_field_size;
  l.pn_length = pn_length;
  // Every write below fits: the size was checked above.
  (void)w.write_u8(static_cast<std::uint8_t>(kHeaderFormBit | kFixedBit | (type_bits << 4) |
                                             (pn_length - 1)));
  (void)w.write_u32(f.version);
  (void)w.write_u8(static_cast<std::uint8_t>(f.dcid.size()));
  (void)w.write_bytes(f.dcid.span());
  (void)w.write_u8(static_cast<std::uint8_t>(f.scid.size()));
  (void)w.write_bytes(f.scid.span());
  if (f.type == PacketType::initial) {
    (void)write_varint(w, f.token.size());
    (void)w.write_bytes(f.token);
  }
  l.length_offset = w.written();
  (void)write_varint_fixed(w, 0, f.length_field_size);
  l.pn_offset = w.written();
  (void)encode_packet_number(w, full_pn, pn_length);
  return l;
}

Result<HeaderLayout> write_short_header(ByteWriter& w, const ShortHeaderFields& f,
                                        std::uint64_t full_pn, std::size_t pn_length) {
  const std::size_t size = short_header_size(f.dcid.size(), pn_length);
  if (size == 0) return Error::local("invalid short header fields");
  if (w.remaining() < size) return Error::blocked("no room for the short header");
  HeaderLayout l;
  l.packet_start = w.written();
  l.pn_length = pn_length;
  const std::uint8_t first = static_cast<std::uint8_t>(
      kFixedBit | (f.spin_bit ? 0x20 : 0) | (f.key_phase ? 0x04 : 0) | (pn_length - 1));
  (void)w.write_u8(first);
  (void)w.write_bytes(f.dcid.span());
  l.pn_offset = w.written();
  (void)encode_packet_number(w, full_pn, pn_length);
  return l;
}

bool set_long_header_length(MutByteSpan buffer, const HeaderLayout& layout,
                            std::size_t packet_end) {
  if (layout.length_field_size == 0) return false;
  if (packet_end < layout.header_end() || packet_end > buffer.size()) return false;
  if (layout.length_offset + layout.length_field_size > layout.pn_offset) return false;
  return patch_varint(buffer.subspan(layout.length_offset, layout.length_field_size),
                      packet_end - layout.pn_offset);
}

}  // namespace tquic::wire
