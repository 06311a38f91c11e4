#include "h3/http_datagram.h"

#include "h3/h3_error.h"
#include "wire/varint.h"

namespace tquic::h3 {

Result<HttpDatagram> decode_http_datagram(ByteSpan datagram_data) {
  ByteReader r(datagram_data);
  HttpDatagram d;
  if (!wire::read_varint(r, d.quarter_stream_id))
    return h3_error(H3Error::H3_DATAGRAM_ERROR, "HTTP datagram too short for Quarter Stream ID");
  if (d.quarter_stream_id > kMaxQuarterStreamId)
    return h3_error(H3Error::H3_DATAGRAM_ERROR, "Quarter Stream ID above 2^60-1");
  d.payload = r.rest();
  return d;
}

std::size_t http_datagram_overhead(std::uint64_t stream_id) {
  return stream_can_carry_datagrams(stream_id) ? wire::varint_size(stream_id / 4) : 0;
}

bool write_http_datagram_header(ByteWriter& w, std::uint64_t stream_id) {
  const std::size_t overhead = http_datagram_overhead(stream_id);
  if (overhead == 0 || w.remaining() < overhead) return false;
  return wire::write_varint(w, stream_id / 4);
}

bool write_http_datagram(ByteWriter& w, std::uint64_t stream_id, ByteSpan payload) {
  const std::size_t overhead = http_datagram_overhead(stream_id);
  if (overhead == 0 || w.remaining() < overhead || w.remaining() - overhead < payload.size())
    return false;
  return write_http_datagram_header(w, stream_id) && w.write_bytes(payload);
}

}  // namespace tquic::h3
