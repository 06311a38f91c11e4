// Frame decoding (RFC 9000 §12.4, §19; RFC 9221; draft-ietf-quic-ack-frequency;
// draft-ietf-quic-multipath). Allocation-free: payloads in the returned frame
// are views into the reader's buffer.
//
//   ByteReader r(decrypted_payload);
//   while (!r.empty()) {
//     auto frame = decode_frame(r);
//     if (!frame) return frame.error();   // close with error().code / frame_type
//     TQUIC_TRY(check_frame_allowed(frame_type_of(*frame), level));  // frame_rules.h
//     handle(*frame);
//   }
//
// Errors are transport errors carrying the offending frame type:
//  - PROTOCOL_VIOLATION: frame type not in its shortest encoding (§12.4);
//  - FRAME_ENCODING_ERROR: unknown frame type, truncated or invalid field,
//    ACK range below packet 0 (§19.3.1), empty NEW_TOKEN (§19.7), STREAM or
//    CRYPTO offset + length above 2^62-1 (§19.6, §19.8), MAX_STREAMS or
//    STREAMS_BLOCKED above 2^60 (§19.11, §19.14), (PATH_)NEW_CONNECTION_ID
//    length outside 1..20 or Retire Prior To above Sequence Number (§19.15).
// Checks that need connection state (stream ID direction, flow control
// limits, path ID limits, which level the frame arrived at) belong to the
// transport. On error the reader's position is unspecified.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "wire/frames.h"

namespace tquic::wire {

// Decodes the frame at the reader's position and advances past it. A run of
// PADDING bytes is returned as one PaddingFrame; a STREAM or DATAGRAM frame
// without a Length field consumes the rest of the reader.
Result<Frame> decode_frame(ByteReader& r);

}  // namespace tquic::wire
