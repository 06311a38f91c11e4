// Fixed-size memory chunks for stream data, shared per connection or shard.
//
// Receive and send buffers both store bytes in chunks taken lazily from one
// Pool<StreamChunk> and give them back as soon as they are consumed (receive)
// or acknowledged (send), so steady state never touches the heap
// (HOTPATH.md rule 1) and memory follows the data actually buffered.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/pool.h"

namespace tquic::transport {

// 4 KiB keeps small streams cheap while one datagram's payload (up to the
// path MTU) still spans at most two chunks on common paths.
inline constexpr std::size_t kStreamChunkSize = 4096;

struct StreamChunk {
  // User-provided and empty on purpose: Pool::acquire() value-initialises,
  // and the bytes are always written before they are read, so zero-filling
  // 4 KiB per acquisition would be wasted work.
  StreamChunk() {}  // NOLINT(modernize-use-equals-default)
  std::uint8_t bytes[kStreamChunkSize];
};

using ChunkPool = Pool<StreamChunk>;

// Index of the chunk holding stream offset `offset`, and the offset's
// position inside it.
constexpr std::uint64_t chunk_index(std::uint64_t offset) { return offset / kStreamChunkSize; }
constexpr std::size_t chunk_offset(std::uint64_t offset) {
  return static_cast<std::size_t>(offset % kStreamChunkSize);
}

}  // namespace tquic::transport
