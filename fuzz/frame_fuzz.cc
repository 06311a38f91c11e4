// Frame codec fuzzer: walks the input as one decrypted packet payload. Every
// frame that decodes is re-encoded; encoded_size() must equal the bytes
// written, the re-encoding must be no longer than the input it came from
// (the encoder always picks the shortest form), encoding into one byte less
// must fail without writing, and decoding the re-encoding must give the same
// frame and consume it exactly. ACK ranges must iterate in descending order.
// Errors must be transport errors of the two kinds the decoder produces.
// Uses only static buffers: nothing is allocated per input.
#include <array>
#include <cstddef>
#include <cstdint>

#include "wire/frame_decoder.h"
#include "wire/frame_encoder.h"
#include "wire/frame_rules.h"

namespace tquic::wire {
namespace {

constexpr std::size_t kMaxInput = 1 << 16;
std::array<std::uint8_t, kMaxInput> g_out;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void check_ranges(const AckFields& a) {
  std::uint64_t count = 0;
  std::uint64_t previous_smallest = 0;
  for (AckRange r : a.ranges()) {
    check(r.smallest <= r.largest);
    if (count == 0) check(r.largest == a.largest_acknowledged);
    if (count > 0) check(r.largest + 2 <= previous_smallest);
    previous_smallest = r.smallest;
    ++count;
  }
  check(count == a.ack_range_count + 1);  // the decoder validated every pair
}

void check_rules(FrameType t) {
  // Pure functions of the type: exercised for crashes and consistency.
  check(is_frame_allowed(t, EncryptionLevel::one_rtt));
  check(!is_ack_eliciting(t) || counts_in_flight(t));
  check(check_frame_allowed(t, EncryptionLevel::initial).ok() ==
        is_frame_allowed(t, EncryptionLevel::initial));
}

void check_round_trip(const Frame& f, std::size_t consumed) {
  const std::size_t size = encoded_size(f);
  check(size != 0 && size <= consumed);
  ByteWriter short_writer(MutByteSpan(g_out.data(), size - 1));
  check(!encode_frame(short_writer, f) && short_writer.written() == 0);
  ByteWriter w(MutByteSpan(g_out.data(), g_out.size()));
  check(encode_frame(w, f));
  check(w.written() == size);
  ByteReader again(w.data());
  auto g = decode_frame(again);
  check(g.ok());
  check(again.empty());
  check(*g == f);
  check(frame_type_of(*g) == frame_type_of(f));
}

}  // namespace
}  // namespace tquic::wire

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tquic::wire;
  if (size > kMaxInput) return 0;
  tquic::ByteReader r(tquic::ByteSpan(data, size));
  while (!r.empty()) {
    const std::size_t start = r.position();
    auto f = decode_frame(r);
    if (!f.ok()) {
      const tquic::Error& e = f.error();
      check(e.is_transport(tquic::TransportErrorCode::FRAME_ENCODING_ERROR) ||
            e.is_transport(tquic::TransportErrorCode::PROTOCOL_VIOLATION));
      break;
    }
    check(r.position() > start);
    check_rules(frame_type_of(*f));
    if (const auto* ack = std::get_if<AckFrame>(&*f)) check_ranges(*ack);
    if (const auto* path_ack = std::get_if<PathAckFrame>(&*f)) check_ranges(*path_ack);
    check_round_trip(*f, r.position() - start);
  }
  return 0;
}
