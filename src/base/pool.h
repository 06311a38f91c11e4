// Typed object pool with an intrusive free list (HOTPATH.md rule 1).
//
// Objects are carved from slabs allocated at setup or growth time, never per
// packet in steady state. A pool is owned by one thread (rule 4): no locks,
// no atomics. Counters let tests prove that every object taken is given back
// (rule 3). With TQUIC_POOLS_AS_HEAP (forced on in sanitizer builds) every
// acquire is a plain new and every release a plain delete, so ASan sees each
// object's lifetime.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace tquic {

struct PoolStats {
  std::size_t in_use = 0;      // objects handed out and not yet returned
  std::size_t capacity = 0;    // objects the slabs can hold
  std::size_t slab_allocs = 0; // number of slab allocations ever made
};

template <class T>
class Pool {
 public:
  // `slab_objects`: objects per slab; `max_objects`: hard cap (0 = no cap).
  explicit Pool(std::size_t slab_objects = 64, std::size_t max_objects = 0)
      : slab_objects_(slab_objects ? slab_objects : 1), max_objects_(max_objects) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  ~Pool() = default;  // slabs free their memory; objects must be released first

  // Pre-allocates room for `n` objects so steady state never allocates.
  void reserve(std::size_t n) {
#if !defined(TQUIC_POOLS_AS_HEAP)
    while (stats_.capacity < n && grow()) {
    }
#else
    (void)n;
#endif
  }

  // Constructs a T; nullptr when the cap is reached (errors as values).
  template <class... Args>
  T* acquire(Args&&... args) {
    if (max_objects_ && stats_.in_use >= max_objects_) return nullptr;
#if defined(TQUIC_POOLS_AS_HEAP)
    T* obj = new T(std::forward<Args>(args)...);
#else
    Node* n = take_node();
    if (!n) return nullptr;
    T* obj = new (n->storage) T(std::forward<Args>(args)...);
#endif
    ++stats_.in_use;
    return obj;
  }

  void release(T* obj) {
    if (!obj) return;
#if defined(TQUIC_POOLS_AS_HEAP)
    delete obj;
#else
    obj->~T();
    Node* n = reinterpret_cast<Node*>(obj);
    n->next = free_;
    free_ = n;
#endif
    --stats_.in_use;
  }

  const PoolStats& stats() const { return stats_; }

 private:
  union Node {
    Node* next;
    alignas(T) unsigned char storage[sizeof(T)];
  };

  // Released objects first, then the untouched rest of the newest slab.
  Node* take_node() {
    if (free_) {
      Node* n = free_;
      free_ = n->next;
      return n;
    }
    if (fresh_left_ == 0 && !grow()) return nullptr;
    --fresh_left_;
    return fresh_++;
  }

  bool grow() {
    std::size_t n = slab_objects_;
    if (max_objects_) {
      if (stats_.capacity >= max_objects_) return false;
      n = std::min(n, max_objects_ - stats_.capacity);
    }
    // Neither value-initialised nor threaded onto the free list up front:
    // either would touch every page of the slab at connection setup (a
    // 256-chunk slab is 1 MiB). Nodes are handed out from the slab in
    // order instead, so only the pages in use are ever touched.
    auto slab = std::make_unique_for_overwrite<Node[]>(n);
    for (; fresh_left_ > 0; --fresh_left_) {  // reserve() grew again: keep the rest
      fresh_->next = free_;
      free_ = fresh_++;
    }
    fresh_ = slab.get();
    fresh_left_ = n;
    slabs_.push_back(std::move(slab));
    stats_.capacity += n;
    ++stats_.slab_allocs;
    return true;
  }

  std::size_t slab_objects_;
  std::size_t max_objects_;
  Node* free_ = nullptr;
  Node* fresh_ = nullptr;       // next never-used node of the newest slab
  std::size_t fresh_left_ = 0;  // never-used nodes left there
  std::vector<std::unique_ptr<Node[]>> slabs_;
  PoolStats stats_;
};

}  // namespace tquic
