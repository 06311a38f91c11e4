// Counts heap allocations made by this test binary (HOTPATH.md rule 1).
//
// It interposes malloc & co.; glibc's __libc_* entry points do the real
// work, and operator new reaches malloc, so C++ allocations are counted too.
// Include it from exactly ONE translation unit per test binary: it defines
// the interposers. Under a sanitizer, which owns malloc itself, the
// interposer is left out and hook_active() reports false (skip the test).
#pragma once

#include <atomic>
#include <cstdlib>
#include <vector>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define TQUIC_TEST_NO_MALLOC_HOOK 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TQUIC_TEST_NO_MALLOC_HOOK 1
#endif

namespace tquic::test_support {
inline std::atomic<bool> g_counting{false};
inline std::atomic<std::size_t> g_allocations{0};
[[maybe_unused]] inline void note_allocation() {
  if (g_counting.load(std::memory_order_relaxed))
    g_allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace tquic::test_support

#ifndef TQUIC_TEST_NO_MALLOC_HOOK
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);

void* malloc(std::size_t n) noexcept {
  tquic::test_support::note_allocation();
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) noexcept {
  tquic::test_support::note_allocation();
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) noexcept {
  tquic::test_support::note_allocation();
  return __libc_realloc(p, n);
}
void* aligned_alloc(std::size_t alignment, std::size_t n) noexcept {
  tquic::test_support::note_allocation();
  return __libc_memalign(alignment, n);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t n) noexcept {
  tquic::test_support::note_allocation();
  void* p = __libc_memalign(alignment, n);
  if (p == nullptr) return 12;  // ENOMEM
  *out = p;
  return 0;
}
}
#endif

namespace tquic::test_support {

// Counts allocations between construction and destruction.
class AllocationCounter {
 public:
  AllocationCounter() {
    g_allocations.store(0);
    g_counting.store(true);
  }
  ~AllocationCounter() { g_counting.store(false); }
  std::size_t count() const { return g_allocations.load(); }
};

// Proves the interposer sees allocations at all, so a zero means something.
inline bool malloc_hook_active() {
#ifdef TQUIC_TEST_NO_MALLOC_HOOK
  return false;
#else
  AllocationCounter probe;
  void* volatile p = std::malloc(64);
  std::free(p);
  auto* q = new std::vector<int>(100);
  delete q;
  return probe.count() >= 2;
#endif
}

}  // namespace tquic::test_support
