#include "netsim/address.h"

namespace tquic::sim {
namespace {

// Bounded appenders: never write past the end, always leave room for a NUL.
void append_char(std::span<char> out, std::size_t& pos, char c) {
  if (pos + 1 < out.size()) out[pos++] = c;
}

void append_text(std::span<char> out, std::size_t& pos, const char* text) {
  while (*text != '\0') append_char(out, pos, *text++);
}

void append_number(std::span<char> out, std::size_t& pos, unsigned value, unsigned base) {
  char digits[8];
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[value % base];
    value /= base;
  } while (value != 0 && n < 8);
  while (n > 0) append_char(out, pos, digits[--n]);
}

// RFC 5952 §4.2.2/4.2.3: the longest run (>= 2) of zero groups, first wins.
void longest_zero_run(const std::uint16_t (&groups)[8], int& start, int& length) {
  start = -1;
  length = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i >= 2 && j - i > length) {
      start = i;
      length = j - i;
    }
    i = j;
  }
}

void format_ipv6(const Address& a, std::span<char> out, std::size_t& pos) {
  std::uint16_t groups[8];
  for (int i = 0; i < 8; ++i) {
    groups[i] = static_cast<std::uint16_t>((a.bytes[2 * i] << 8) | a.bytes[2 * i + 1]);
  }
  int run_start = 0;
  int run_length = 0;
  longest_zero_run(groups, run_start, run_length);
  append_char(out, pos, '[');
  for (int i = 0; i < 8; ++i) {
    if (i == run_start) {
      append_text(out, pos, "::");
      i += run_length - 1;
      continue;
    }
    const bool after_run = run_start >= 0 && i == run_start + run_length;
    if (i > 0 && !after_run) append_char(out, pos, ':');
    append_number(out, pos, groups[i], 16);
  }
  append_text(out, pos, "]:");
  append_number(out, pos, a.port, 10);
}

}  // namespace

std::size_t format_address(const Address& address, std::span<char> out) {
  if (out.empty()) return 0;
  std::size_t pos = 0;
  switch (address.family) {
    case Address::Family::ipv4:
      for (int i = 0; i < 4; ++i) {
        append_number(out, pos, address.bytes[i], 10);
        append_char(out, pos, i < 3 ? '.' : ':');
      }
      append_number(out, pos, address.port, 10);
      break;
    case Address::Family::ipv6:
      format_ipv6(address, out, pos);
      break;
    case Address::Family::unspecified:
      append_text(out, pos, "unspecified");
      break;
  }
  out[pos] = '\0';
  return pos;
}

AddressText to_text(const Address& address) {
  AddressText t;
  format_address(address, t.text);
  return t;
}

}  // namespace tquic::sim
