// Frame encoding: the exact inverse of frame_decoder.h, plus send-path
// helpers that write only a frame header so the transport can place STREAM,
// CRYPTO and DATAGRAM payload bytes itself (e.g. straight from its send
// buffer), and compute how much payload fits in the space left in a packet.
//
//   std::size_t n = max_stream_data_that_fits(w.remaining(), id, offset, true);
//   if (n > 0 && write_stream_frame_header(w, id, offset, n, fin, true))
//     copy_payload(w, n);
//
// All values are written in their shortest varint form. A frame that breaks
// a rule the decoder enforces (value above 2^62-1, STREAM/CRYPTO end above
// 2^62-1, empty NEW_TOKEN, MAX_STREAMS above 2^60, CID length outside 1..20,
// Retire Prior To above Sequence Number, PADDING of length 0) is refused, so
// whatever encode_frame() writes, decode_frame() reads back unchanged.
// ACK and PATH_ACK frames for sending are built with encode_ack_frame()
// (wire/ack_frame.h); encode_frame() re-encodes a decoded one as is.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "wire/frames.h"

namespace tquic::wire {

// Exact number of bytes encode_frame() writes for `f`; 0 if `f` cannot be
// encoded.
std::size_t encoded_size(const Frame& f);

// Writes `f`; false, writing nothing, if it does not fit or cannot be encoded.
bool encode_frame(ByteWriter& w, const Frame& f);

// --- STREAM (RFC 9000 §19.8) ---------------------------------------------
// The OFF bit is set iff offset != 0. With with_length == false the frame
// must be the last in its packet. Sizes are 0 if the header is invalid
// (a value above 2^62-1, or offset + length above 2^62-1).
std::size_t stream_frame_header_size(std::uint64_t stream_id, std::uint64_t offset,
                                     std::uint64_t length, bool with_length);
bool write_stream_frame_header(ByteWriter& w, std::uint64_t stream_id, std::uint64_t offset,
                               std::uint64_t length, bool fin, bool with_length);
// Largest data length whose STREAM frame (header included) fits in
// `space_left` bytes; 0 if no data byte fits. A FIN-only frame needs
// stream_frame_header_size(id, offset, 0, with_length) bytes.
std::size_t max_stream_data_that_fits(std::size_t space_left, std::uint64_t stream_id,
                                      std::uint64_t offset, bool with_length);

// --- CRYPTO (RFC 9000 §19.6): always carries a Length -------------------
std::size_t crypto_frame_header_size(std::uint64_t offset, std::uint64_t length);
bool write_crypto_frame_header(ByteWriter& w, std::uint64_t offset, std::uint64_t length);
std::size_t max_crypto_data_that_fits(std::size_t space_left, std::uint64_t offset);

// --- DATAGRAM (RFC 9221 §4) ------------------------------------------------
// Datagrams are never split: check datagram_frame_header_size(n, ...) + n
// against the space left, or ask for the largest n.
std::size_t datagram_frame_header_size(std::uint64_t length, bool with_length);
bool write_datagram_frame_header(ByteWriter& w, std::uint64_t length, bool with_length);
std::size_t max_datagram_data_that_fits(std::size_t space_left, bool with_length);

}  // namespace tquic::wire
