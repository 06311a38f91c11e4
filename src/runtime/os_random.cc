#include "runtime/os_random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

namespace tquic::runtime {

bool os_random_bytes(std::size_t size, std::vector<std::uint8_t>& out, std::string& error) {
  out.assign(size, 0);
  std::size_t got = 0;
  for (int attempts = 0; got < size && attempts < 64; ++attempts) {  // bounded: EINTR only
    const ssize_t n = ::getrandom(out.data() + got, size - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
    else if (n < 0 && errno != EINTR) break;
  }
  if (got == size) return true;
  error = std::string("cannot read the kernel random generator: ") + std::strerror(errno);
  return false;
}

}  // namespace tquic::runtime
