// QPACK decoder (RFC 9204 §2.2), sans-I/O.
//
//   Decoder d(settings);                      // memory taken here, once
//   d.on_encoder_stream(bytes)    -> bytes consumed (keep the rest, offer it
//                                    again with more data)
//   d.decode_field_section(stream_id, section, sink, scratch)
//                                 -> complete / blocked / too_large
//   d.write_section_acknowledgment(w, stream_id, ric), write_insert_count_
//   increment(w), write_stream_cancellation(w, stream_id): decoder stream
//   bytes into the caller's buffer.
//
// A blocked section is not copied: the caller keeps its bytes and calls
// decode_field_section again once unblocked_streams() lists the stream.
// Errors are HTTP/3 application errors (h3/h3_error.h):
// QPACK_DECOMPRESSION_FAILED for field sections, QPACK_ENCODER_STREAM_ERROR
// for encoder stream input; Error::local for caller mistakes (scratch too
// small for a section within the size limit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "h3/qpack/dynamic_table.h"
#include "h3/qpack/field_line.h"
#include "h3/qpack/instructions.h"

namespace tquic::h3::qpack {

// What this endpoint announces in its SETTINGS (RFC 9204 §5, RFC 9114 §7.2.4.1).
struct DecoderSettings {
  std::uint64_t max_table_capacity = 0;   // SETTINGS_QPACK_MAX_TABLE_CAPACITY
  std::uint64_t max_blocked_streams = 0;  // SETTINGS_QPACK_BLOCKED_STREAMS
  std::uint64_t max_field_section_size = UINT64_MAX;  // SETTINGS_MAX_FIELD_SECTION_SIZE
};

enum class DecodeStatus : std::uint8_t {
  complete,   // every field line went to the sink
  blocked,    // Required Insert Count > Insert Count: retry when unblocked
  too_large,  // valid, but over max_field_section_size (RFC 9114 §4.2.2);
              // the sink stopped receiving lines once the limit was crossed
};

struct DecodeOutcome {
  DecodeStatus status = DecodeStatus::complete;
  std::uint64_t required_insert_count = 0;
  std::uint64_t field_section_size = 0;  // RFC 9114 §4.2.2 size, whole section
  std::size_t field_count = 0;

  // §4.4.1: a fully processed section with dynamic references is acknowledged.
  bool needs_section_acknowledgment() const {
    return status != DecodeStatus::blocked && required_insert_count != 0;
  }
};

class Decoder {
 public:
  // Largest SETTINGS_QPACK_BLOCKED_STREAMS we track (one small record each).
  static constexpr std::uint64_t kMaxSupportedBlockedStreams = 4096;

  explicit Decoder(const DecoderSettings& settings);

  // The settings to announce: the table capacity and blocked-stream limit
  // are clamped to what this decoder supports.
  const DecoderSettings& settings() const { return settings_; }

  // Applies every complete encoder instruction in `data` (§4.3) and returns
  // how many bytes that was; a trailing partial instruction is left unread.
  Result<std::size_t> on_encoder_stream(ByteSpan data);

  // Decodes one encoded field section (the payload of a HEADERS frame).
  // Huffman-coded strings are decoded into `scratch`, which never has to be
  // larger than max_field_section_size.
  Result<DecodeOutcome> decode_field_section(std::uint64_t stream_id, ByteSpan section,
                                             FieldSink& sink, MutByteSpan scratch);

  // ---- Decoder stream output (§4.4); each writes all or nothing ----------
  // Section Acknowledgment after a section with a non-zero Required Insert
  // Count was processed; raises the Known Received Count.
  bool write_section_acknowledgment(ByteWriter& w, std::uint64_t stream_id,
                                    std::uint64_t required_insert_count);
  // Insert Count Increment for every insert not yet known to be received;
  // writes nothing (and succeeds) when there is none.
  bool write_insert_count_increment(ByteWriter& w);
  std::uint64_t pending_insert_count_increment() const {
    return table_.insert_count() - known_received_count_;
  }
  // Stream Cancellation (§4.4.2) when a stream is reset or abandoned; also
  // forgets it as blocked. (A decoder whose max_table_capacity is 0 may skip
  // the instruction and only call forget_stream.)
  bool write_stream_cancellation(ByteWriter& w, std::uint64_t stream_id);
  void forget_stream(std::uint64_t stream_id);

  // Blocked streams whose Required Insert Count has now been reached; they
  // stay listed until their section is decoded again or the stream is
  // forgotten. Returns how many IDs were written to `out` (at most its size).
  std::size_t unblocked_streams(std::span<std::uint64_t> out) const;
  std::size_t blocked_stream_count() const { return blocked_.size(); }

  std::uint64_t insert_count() const { return table_.insert_count(); }
  std::uint64_t known_received_count() const { return known_received_count_; }
  const DynamicTable& table() const { return table_; }

 private:
  struct BlockedStream {
    std::uint64_t stream_id;
    std::uint64_t required_insert_count;
  };
  class SectionReader;

  Status apply(const EncoderInstruction& ins);
  Status insert_with_name_reference(const EncoderInstruction& ins);
  Status insert_with_literal_name(const EncoderInstruction& ins);
  Status note_blocked(std::uint64_t stream_id, std::uint64_t required_insert_count);

  DecoderSettings settings_;
  DynamicTable table_;
  std::uint64_t max_entries_;  // MaxEntries of §4.5.1.1
  std::uint64_t known_received_count_ = 0;
  std::vector<BlockedStream> blocked_;  // capacity max_blocked_streams, reserved
};

}  // namespace tquic::h3::qpack
