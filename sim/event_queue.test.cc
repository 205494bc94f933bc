#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>
#include <vector>

namespace qdes {
namespace {

void drain(EventQueue& q) {
    EventKey k;
    Action a;
    while (!q.empty()) {
        q.pop(k, a);
        a();
    }
}

}  // namespace

TEST(EventQueue, OrdersByTimeThenPriorityThenSourceThenSequence) {
    EventQueue q;
    std::vector<int> ran;
    auto add = [&](TimePs t, int prio, std::uint32_t src, std::uint64_t seq, int tag) {
        q.push({t, prio, src, seq}, [&ran, tag] { ran.push_back(tag); });
    };
    add(20, 0, 1, 0, 5);
    add(10, 0, 2, 0, 3);
    add(10, 0, 1, 1, 2);
    add(10, -1, 9, 0, 1);
    add(10, 0, 2, 1, 4);
    add(5, 7, 3, 0, 0);
    drain(q);
    EXPECT_EQ(ran, (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

TEST(EventQueue, OrderDoesNotDependOnInsertionOrder) {
    std::mt19937_64 rng(7);
    std::vector<EventKey> keys;
    for (std::uint32_t i = 0; i < 2000; ++i) {
        keys.push_back({rng() % 50, int(rng() % 3) - 1, std::uint32_t(rng() % 5), i});
    }
    std::vector<std::uint64_t> reference;
    for (int trial = 0; trial < 3; ++trial) {
        std::shuffle(keys.begin(), keys.end(), rng);
        EventQueue q;
        std::vector<std::uint64_t> ran;
        for (const EventKey& k : keys) q.push(k, [&ran, s = k.sequence] { ran.push_back(s); });
        drain(q);
        if (trial == 0) {
            reference = ran;
            auto sorted = keys;
            std::sort(sorted.begin(), sorted.end(), [](const EventKey& a, const EventKey& b) {
                return std::tie(a.time, a.priority, a.source, a.sequence) <
                       std::tie(b.time, b.priority, b.source, b.sequence);
            });
            for (std::size_t i = 0; i < sorted.size(); ++i) ASSERT_EQ(ran[i], sorted[i].sequence);
        }
        EXPECT_EQ(ran, reference);
    }
}

// The queue against a reference (a std::set of keys) under interleaved pushes, pops and cancellations, as a run
// makes them: new events at and after the current time, many at equal times, some pushed before the base (between
// runs). Every pop must return the smallest pending key.
TEST(EventQueue, InterleavedOperationsMatchAReferenceOrder) {
    std::mt19937_64 rng(2026);
    for (int trial = 0; trial < 20; ++trial) {
        EventQueue q;
        auto tuple = [](const EventKey& k) { return std::tie(k.time, k.priority, k.source, k.sequence); };
        auto cmp = [&](const EventKey& a, const EventKey& b) { return tuple(a) < tuple(b); };
        std::set<EventKey, decltype(cmp)> reference(cmp);
        std::vector<std::pair<EventId, EventKey>> handles;
        std::uint64_t seq = 0;
        TimePs now = 0;
        const TimePs spread = TimePs(1) << (rng() % 40);
        for (int op = 0; op < 5000; ++op) {
            int what = int(rng() % 10);
            if (what < 5 || reference.empty()) {
                TimePs at = now + (rng() % 4 == 0 ? 0 : rng() % spread);
                if (rng() % 50 == 0 && now > 0) at = now - 1 - rng() % now;  // earlier than the base
                EventKey k{at, int(rng() % 3) - 1, std::uint32_t(rng() % 4), seq++};
                handles.push_back({q.push(k, [] {}), k});
                reference.insert(k);
            } else if (what < 9) {
                EventKey got;
                Action a;
                ASSERT_EQ(q.next_time(), reference.begin()->time);
                q.pop(got, a);
                ASSERT_EQ(tuple(got), tuple(*reference.begin())) << "trial " << trial << " op " << op;
                reference.erase(reference.begin());
                now = got.time;
            } else {
                auto& [id, key] = handles[rng() % handles.size()];
                EXPECT_EQ(q.cancel(id), reference.erase(key) == 1);
            }
            ASSERT_EQ(q.size(), reference.size());
        }
    }
}

TEST(EventQueue, CancelRemovesExactlyThatEvent) {
    EventQueue q;
    std::vector<int> ran;
    EventId a = q.push({10, 0, 1, 0}, [&] { ran.push_back(1); });
    EventId b = q.push({20, 0, 1, 1}, [&] { ran.push_back(2); });
    EXPECT_EQ(q.size(), 2u);
    EXPECT_TRUE(q.cancel(a));
    EXPECT_FALSE(q.cancel(a));
    EXPECT_FALSE(q.is_pending(a));
    EXPECT_TRUE(q.is_pending(b));
    EXPECT_EQ(q.size(), 1u);
    drain(q);
    EXPECT_EQ(ran, std::vector<int>{2});
    EXPECT_FALSE(q.is_pending(b));
    EXPECT_FALSE(q.cancel(b));
}

TEST(EventQueue, StaleHandleDoesNotCancelAReusedSlot) {
    EventQueue q;
    EventId a = q.push({1, 0, 0, 0}, [] {});
    EventKey k;
    Action act;
    q.pop(k, act);
    EventId b = q.push({2, 0, 0, 1}, [] {});
    EXPECT_EQ(a.slot, b.slot);  // the slot is reused...
    EXPECT_FALSE(q.cancel(a));  // ...but the old handle no longer refers to it
    EXPECT_TRUE(q.is_pending(b));
}

TEST(EventQueue, ManyCancellationsKeepOrderAndSize) {
    EventQueue q;
    std::vector<EventId> ids;
    std::vector<TimePs> ran;
    for (std::uint64_t i = 0; i < 10000; ++i) {
        TimePs t = (i * 7919) % 10007;
        ids.push_back(q.push({t, 0, 0, i}, [&ran, t] { ran.push_back(t); }));
    }
    for (std::size_t i = 0; i < ids.size(); i += 3) EXPECT_TRUE(q.cancel(ids[i]));
    EXPECT_EQ(q.size(), 10000u - 3334u);
    drain(q);
    EXPECT_EQ(ran.size(), 10000u - 3334u);
    EXPECT_TRUE(std::is_sorted(ran.begin(), ran.end()));
}

TEST(Action, LargeCapturesAreHeldOnTheHeapAndFreed) {
    auto shared = std::make_shared<int>(0);
    std::vector<int> big(100, 1);
    {
        Action a([shared, big] { *shared += int(big.size()); });
        EXPECT_EQ(shared.use_count(), 2);
        a();
        Action moved = std::move(a);
        EXPECT_FALSE(bool(a));
        moved();
    }
    EXPECT_EQ(*shared, 200);
    EXPECT_EQ(shared.use_count(), 1);
}

}  // namespace qdes
