#include "transport/stream/scheduler.h"

namespace tquic::transport {

void StreamScheduler::List::push_back(SchedulerEntry& e) { insert_before(nullptr, e); }

// Inserts `e` before `pos` (at the end when pos is nullptr).
void StreamScheduler::List::insert_before(SchedulerEntry* pos, SchedulerEntry& e) {
  e.next = pos;
  e.prev = pos ? pos->prev : tail;
  if (e.prev) e.prev->next = &e;
  else head = &e;
  if (pos) pos->prev = &e;
  else tail = &e;
}

void StreamScheduler::List::unlink(SchedulerEntry& e) {
  if (e.prev) e.prev->next = e.next;
  else head = e.next;
  if (e.next) e.next->prev = e.prev;
  else tail = e.prev;
  e.prev = e.next = nullptr;
}

StreamScheduler::List& StreamScheduler::list_for(SchedulerEntry& e) {
  Level& level = levels_[e.priority.urgency];
  return e.priority.incremental ? level.incremental : level.sequential;
}

void StreamScheduler::push(SchedulerEntry& e) {
  if (e.queued) return;
  if (e.priority.urgency > StreamPriority::kLowestUrgency) e.priority = StreamPriority{};
  List& list = list_for(e);
  if (e.priority.incremental) {
    list.push_back(e);
  } else {
    SchedulerEntry* pos = list.head;
    while (pos && pos->id < e.id) pos = pos->next;
    list.insert_before(pos, e);
  }
  e.queued = true;
  ++queued_;
}

void StreamScheduler::remove(SchedulerEntry& e) {
  if (!e.queued) return;
  list_for(e).unlink(e);
  e.queued = false;
  --queued_;
}

bool StreamScheduler::set_priority(SchedulerEntry& e, StreamPriority p) {
  if (p.urgency > StreamPriority::kLowestUrgency) return false;
  if (p == e.priority) return true;
  const bool was_queued = e.queued;
  remove(e);
  e.priority = p;
  if (was_queued) push(e);
  return true;
}

SchedulerEntry* StreamScheduler::peek() const {
  if (queued_ == 0) return nullptr;
  for (const Level& level : levels_) {
    if (!level.sequential.empty()) return level.sequential.head;
    if (!level.incremental.empty()) return level.incremental.head;
  }
  return nullptr;
}

SchedulerEntry* StreamScheduler::pick() {
  SchedulerEntry* e = peek();
  if (!e || !e->priority.incremental) return e;
  List& round = levels_[e->priority.urgency].incremental;
  if (round.head != round.tail) {  // rotate: served once, back of the round
    round.unlink(*e);
    round.push_back(*e);
  }
  return e;
}

}  // namespace tquic::transport
