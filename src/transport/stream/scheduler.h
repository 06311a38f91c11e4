// Chooses which stream sends next (RFC 9218 §4, §10; RFC 9000 §2.3).
//
// Strict priority by urgency (0 is served first, 7 last, 3 by default).
// Within one urgency, non-incremental streams are served one at a time in
// stream-ID order (the lowest ID keeps the link until it leaves the
// scheduler), then incremental streams share the link round-robin (each
// pick() moves the chosen one to the back). Serving non-incremental streams
// first within an urgency is our choice where RFC 9218 leaves it open; it
// matches quiche.
//
// Streams embed a SchedulerEntry (intrusive): the scheduler owns no memory,
// and pick(), push() and remove() never allocate. push() is O(n) in the
// non-incremental streams of the same urgency (sorted insert); pick() and
// remove() are O(1) apart from a scan of the 8 urgency levels.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "transport/stream/stream_id.h"

namespace tquic::transport {

struct StreamPriority {
  static constexpr std::uint8_t kDefaultUrgency = 3;
  static constexpr std::uint8_t kLowestUrgency = 7;

  std::uint8_t urgency = kDefaultUrgency;  // 0 (highest) .. 7 (lowest)
  bool incremental = false;
  friend constexpr bool operator==(const StreamPriority&, const StreamPriority&) = default;
};

// Embedded in each stream. Not copyable while queued.
struct SchedulerEntry {
  explicit SchedulerEntry(StreamId stream_id = 0) : id(stream_id) {}
  SchedulerEntry(const SchedulerEntry&) = delete;
  SchedulerEntry& operator=(const SchedulerEntry&) = delete;

  StreamId id;
  StreamPriority priority{};
  bool queued = false;
  SchedulerEntry* prev = nullptr;
  SchedulerEntry* next = nullptr;
};

class StreamScheduler {
 public:
  StreamScheduler() = default;
  StreamScheduler(const StreamScheduler&) = delete;
  StreamScheduler& operator=(const StreamScheduler&) = delete;

  // Queues a stream that has something to send. No effect if already queued.
  void push(SchedulerEntry& e);
  // Takes a stream out (no more data, or blocked). No effect if not queued.
  void remove(SchedulerEntry& e);
  // Changes a stream's priority, requeueing it if queued. Returns false and
  // changes nothing if urgency > 7 (RFC 9218 §4.1: invalid values are ignored).
  bool set_priority(SchedulerEntry& e, StreamPriority p);
  // The stream to serve next, or nullptr when none is queued. An incremental
  // stream is rotated to the back of its round.
  SchedulerEntry* pick();
  // The stream pick() would return, without rotating.
  SchedulerEntry* peek() const;

  bool empty() const { return queued_ == 0; }
  std::size_t size() const { return queued_; }

 private:
  // Doubly linked list with head/tail pointers; entries carry the links.
  struct List {
    SchedulerEntry* head = nullptr;
    SchedulerEntry* tail = nullptr;
    bool empty() const { return head == nullptr; }
    void push_back(SchedulerEntry& e);
    void insert_before(SchedulerEntry* pos, SchedulerEntry& e);
    void unlink(SchedulerEntry& e);
  };
  struct Level {
    List sequential;   // non-incremental, sorted by stream ID
    List incremental;  // round-robin order
  };

  List& list_for(SchedulerEntry& e);

  std::array<Level, StreamPriority::kLowestUrgency + 1> levels_{};
  std::size_t queued_ = 0;
};

}  // namespace tquic::transport
