// The Range request header for one byte range (RFC 9110 §14.1.2, §14.2):
//   bytes=first-last   bytes=first-   bytes=-suffix_length
// A file server answers a satisfiable range with 206 and Content-Range, an
// unsatisfiable one with 416 and "Content-Range: bytes */size". A header it
// does not understand (another unit, several ranges, bad syntax, last <
// first) is ignored, as §14.2 allows: the whole file is sent with 200.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tquic::h3 {

enum class RangeKind : std::uint8_t { ignored, satisfiable, unsatisfiable };

struct ByteRange {
  RangeKind kind = RangeKind::ignored;
  std::uint64_t first = 0;  // satisfiable: first and last byte (inclusive)
  std::uint64_t last = 0;
  std::uint64_t length() const { return last - first + 1; }
};

// Applies the Range header value `header` to a representation of `size` bytes.
ByteRange evaluate_range(std::string_view header, std::uint64_t size);

// "bytes 0-99/1000" (206) into `out`; returns the length written, 0 if `out`
// is too small. kMaxContentRange always suffices.
inline constexpr std::size_t kMaxContentRange = 6 + 3 * 20 + 2;
std::size_t format_content_range(const ByteRange& r, std::uint64_t size, std::span<char> out);
// "bytes */1000" (416).
std::size_t format_unsatisfied_range(std::uint64_t size, std::span<char> out);

// Decimal digits of `v` into `out`; returns the length, 0 if it does not fit.
std::size_t format_decimal(std::uint64_t v, std::span<char> out);

}  // namespace tquic::h3
