#include "transport/stream/scheduler.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

namespace tquic::transport {
namespace {

std::vector<StreamId> pick_n(StreamScheduler& s, int n) {
  std::vector<StreamId> out;
  for (int i = 0; i < n; ++i) {
    SchedulerEntry* e = s.pick();
    if (!e) break;
    out.push_back(e->id);
  }
  return out;
}

// Streams must outlive the scheduler's references; deque keeps addresses.
struct Streams {
  std::deque<SchedulerEntry> entries;
  SchedulerEntry& add(StreamId id, std::uint8_t urgency, bool incremental) {
    entries.emplace_back(id);
    entries.back().priority = StreamPriority{urgency, incremental};
    return entries.back();
  }
};

TEST(StreamScheduler, EmptyPicksNothing) {
  StreamScheduler s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.pick(), nullptr);
  EXPECT_EQ(s.peek(), nullptr);
}

TEST(StreamScheduler, StrictPriorityByUrgency) {
  StreamScheduler s;
  Streams st;
  s.push(st.add(0, 5, false));
  s.push(st.add(4, 3, false));
  s.push(st.add(8, 0, true));
  s.push(st.add(12, 7, false));
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(s.pick()->id, 8u);  // urgency 0 wins
  s.remove(st.entries[2]);
  EXPECT_EQ(s.pick()->id, 4u);
  s.remove(st.entries[1]);
  EXPECT_EQ(s.pick()->id, 0u);
  s.remove(st.entries[0]);
  EXPECT_EQ(s.pick()->id, 12u);
  s.remove(st.entries[3]);
  EXPECT_TRUE(s.empty());
}

TEST(StreamScheduler, NonIncrementalSequentialInStreamIdOrder) {
  StreamScheduler s;
  Streams st;
  SchedulerEntry& a = st.add(16, 3, false);
  SchedulerEntry& b = st.add(4, 3, false);
  SchedulerEntry& c = st.add(8, 3, false);
  s.push(a);
  s.push(b);
  s.push(c);
  // The lowest ID keeps being picked until it is done.
  EXPECT_EQ(pick_n(s, 3), (std::vector<StreamId>{4, 4, 4}));
  s.remove(b);
  EXPECT_EQ(pick_n(s, 2), (std::vector<StreamId>{8, 8}));
  s.remove(c);
  EXPECT_EQ(s.pick()->id, 16u);
}

TEST(StreamScheduler, IncrementalRoundRobin) {
  StreamScheduler s;
  Streams st;
  SchedulerEntry& a = st.add(0, 3, true);
  SchedulerEntry& b = st.add(4, 3, true);
  SchedulerEntry& c = st.add(8, 3, true);
  s.push(a);
  s.push(b);
  s.push(c);
  EXPECT_EQ(pick_n(s, 7), (std::vector<StreamId>{0, 4, 8, 0, 4, 8, 0}));
  s.remove(b);  // finished
  EXPECT_EQ(pick_n(s, 4), (std::vector<StreamId>{8, 0, 8, 0}));
  s.push(b);  // has data again: joins at the back
  EXPECT_EQ(pick_n(s, 3), (std::vector<StreamId>{8, 0, 4}));
  EXPECT_EQ(s.peek()->id, 8u);
  EXPECT_EQ(s.peek()->id, 8u);  // peek does not rotate
}

TEST(StreamScheduler, NonIncrementalBeforeIncrementalAtSameUrgency) {
  StreamScheduler s;
  Streams st;
  SchedulerEntry& inc = st.add(0, 3, true);
  SchedulerEntry& seq = st.add(100, 3, false);
  SchedulerEntry& low = st.add(4, 4, false);
  s.push(inc);
  s.push(low);
  s.push(seq);
  EXPECT_EQ(pick_n(s, 2), (std::vector<StreamId>{100, 100}));
  s.remove(seq);
  EXPECT_EQ(pick_n(s, 2), (std::vector<StreamId>{0, 0}));
  s.remove(inc);
  EXPECT_EQ(s.pick()->id, 4u);
}

TEST(StreamScheduler, PushAndRemoveAreIdempotent) {
  StreamScheduler s;
  Streams st;
  SchedulerEntry& a = st.add(0, 3, true);
  s.push(a);
  s.push(a);
  EXPECT_EQ(s.size(), 1u);
  s.remove(a);
  s.remove(a);
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(a.queued);
  EXPECT_EQ(a.prev, nullptr);
  EXPECT_EQ(a.next, nullptr);
}

TEST(StreamScheduler, SetPriorityRequeuesAndRejectsInvalidUrgency) {
  StreamScheduler s;
  Streams st;
  SchedulerEntry& a = st.add(0, 3, false);
  SchedulerEntry& b = st.add(4, 3, false);
  s.push(a);
  s.push(b);
  EXPECT_EQ(s.pick()->id, 0u);
  ASSERT_TRUE(s.set_priority(b, StreamPriority{1, false}));
  EXPECT_EQ(s.pick()->id, 4u);
  EXPECT_FALSE(s.set_priority(b, StreamPriority{8, false}));
  EXPECT_EQ(b.priority.urgency, 1u);
  ASSERT_TRUE(s.set_priority(b, StreamPriority{6, true}));
  EXPECT_EQ(s.pick()->id, 0u);
  EXPECT_EQ(s.size(), 2u);
  // Changing a stream that is not queued only records the priority.
  s.remove(a);
  ASSERT_TRUE(s.set_priority(a, StreamPriority{0, true}));
  EXPECT_FALSE(a.queued);
  EXPECT_EQ(s.pick()->id, 4u);
  // Invalid urgency smuggled in directly falls back to the default on push.
  SchedulerEntry& c = st.add(8, 200, false);
  s.push(c);
  EXPECT_EQ(c.priority.urgency, StreamPriority::kDefaultUrgency);
  EXPECT_EQ(s.pick()->id, 8u);
}

TEST(StreamScheduler, MixedScenarioOrder) {
  StreamScheduler s;
  Streams st;
  // Urgency 2: two incremental; urgency 3: two sequential.
  SchedulerEntry& i1 = st.add(1, 2, true);
  SchedulerEntry& i2 = st.add(5, 2, true);
  SchedulerEntry& q1 = st.add(9, 3, false);
  SchedulerEntry& q2 = st.add(13, 3, false);
  for (SchedulerEntry* e : {&q2, &i2, &q1, &i1}) s.push(*e);
  EXPECT_EQ(pick_n(s, 4), (std::vector<StreamId>{5, 1, 5, 1}));
  s.remove(i1);
  s.remove(i2);
  EXPECT_EQ(pick_n(s, 2), (std::vector<StreamId>{9, 9}));
  s.remove(q1);
  EXPECT_EQ(pick_n(s, 1), (std::vector<StreamId>{13}));
}

}  // namespace
}  // namespace tquic::transport
