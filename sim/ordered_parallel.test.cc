#include "sim/ordered_parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/random.h"

namespace qdes {

namespace {
/// Batch k's result: numbers from a stream keyed by k only.
std::vector<std::uint64_t> batch(std::uint64_t k) {
    RandomStream s(7, k);
    std::vector<std::uint64_t> v(50);
    for (auto& x : v) x = s.next_u64();
    return v;
}
}  // namespace

TEST(OrderedParallel, ConsumesInOrderTheSameSequenceForEveryThreadCount) {
    std::vector<std::uint64_t> reference;
    for (std::uint64_t k = 0; k < 97; ++k)
        for (std::uint64_t x : batch(k)) reference.push_back(x);
    for (unsigned threads : {1u, 2u, 3u, 8u, 200u}) {
        std::vector<std::uint64_t> got;
        std::uint64_t expected_k = 0;
        std::atomic<int> bad_worker{0};
        ordered_parallel<std::vector<std::uint64_t>>(
            threads, 97,
            [&](unsigned w, std::uint64_t k) {
                if (threads > 1 && k % std::min<unsigned>(threads, 97) != w) ++bad_worker;
                return batch(k);
            },
            [&](std::uint64_t k, std::vector<std::uint64_t> v) {
                EXPECT_EQ(k, expected_k++);
                got.insert(got.end(), v.begin(), v.end());
                return true;
            });
        EXPECT_EQ(got, reference) << threads << " threads";
        EXPECT_EQ(bad_worker.load(), 0);
    }
}

TEST(OrderedParallel, StopsWhenConsumeSaysSoAndProducesAtMostOneBatchAheadPerWorker) {
    std::atomic<std::uint64_t> produced{0};
    std::uint64_t consumed = 0;
    ordered_parallel<int>(
        4, 1000000,
        [&](unsigned, std::uint64_t) {
            ++produced;
            return 1;
        },
        [&](std::uint64_t k, int) {
            ++consumed;
            return k < 9;
        });
    EXPECT_EQ(consumed, 10u);
    // Each of the 4 workers holds at most one finished batch and may be computing one more.
    EXPECT_LE(produced.load(), 10u + 2 * 4);
}

TEST(OrderedParallel, AWorkersExceptionReachesTheCaller) {
    for (unsigned threads : {1u, 3u}) {
        std::uint64_t consumed = 0;
        EXPECT_THROW(ordered_parallel<int>(
                         threads, 100,
                         [](unsigned, std::uint64_t k) {
                             if (k == 5) throw std::runtime_error("batch 5 failed");
                             return int(k);
                         },
                         [&](std::uint64_t, int) {
                             ++consumed;
                             return true;
                         }),
                     std::runtime_error);
        EXPECT_EQ(consumed, 5u) << threads << " threads";
    }
}

}  // namespace qdes
