#include "wire/invariant_header.h"

#include "wire/header_drop.h"

namespace tquic::wire {
namespace {

constexpr Error kTruncated = header_drop(HeaderDropReason::truncated, "packet header truncated");

bool read_cid_view(ByteReader& r, ByteSpan& out) {
  std::uint8_t len = 0;
  return r.read_u8(len) && r.read_span(len, out);
}

}  // namespace

Result<InvariantHeader> parse_invariant_header(ByteSpan datagram_rest,
                                               std::size_t short_header_dcid_len) {
  ByteReader r(datagram_rest);
  InvariantHeader h;
  if (!r.read_u8(h.first_byte)) return kTruncated;
  h.long_header = (h.first_byte & kHeaderFormBit) != 0;
  if (!h.long_header) {
    if (!r.read_span(short_header_dcid_len, h.dcid)) return kTruncated;
  } else if (!r.read_u32(h.version) || !read_cid_view(r, h.dcid) || !read_cid_view(r, h.scid)) {
    return kTruncated;
  }
  h.length = r.position();
  return h;
}

}  // namespace tquic::wire
