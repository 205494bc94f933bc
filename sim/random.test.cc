#include "sim/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <thread>
#include <vector>

namespace qdes {

// Known-answer vectors of Philox4x32-10 from the Random123 distribution (kat_vectors).
TEST(Philox, MatchesRandom123KnownAnswers) {
    using A4 = std::array<std::uint32_t, 4>;
    EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}), (A4{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
    EXPECT_EQ(philox4x32_10({~0u, ~0u, ~0u, ~0u}, {~0u, ~0u}), (A4{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
    EXPECT_EQ(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
              (A4{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(RandomStream, SameSeedAndStreamGiveSameNumbers) {
    RandomStream a(42, stream_id("server", "service")), b(42, stream_id("server", "service"));
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(RandomStream, StreamsDifferByComponentPurposeAndSeed) {
    std::set<std::uint64_t> firsts;
    for (auto [seed, comp, purpose] : std::vector<std::tuple<int, const char*, const char*>>{
             {1, "a", "x"}, {1, "a", "y"}, {1, "b", "x"}, {2, "a", "x"}, {1, "ab", ""}, {1, "a", "b"}}) {
        RandomStream s(seed, stream_id(comp, purpose));
        firsts.insert(s.next_u64());
    }
    EXPECT_EQ(firsts.size(), 6u);
}

TEST(RandomStream, ResultsDoNotDependOnThreads) {
    auto draw = [](std::uint64_t stream) {
        RandomStream s(99, stream);
        double sum = 0;
        for (int i = 0; i < 100000; ++i) sum += s.exponential(1.0);
        return sum;
    };
    std::vector<double> serial, threaded(8);
    for (int i = 0; i < 8; ++i) serial.push_back(draw(i));
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) threads.emplace_back([&, i] { threaded[i] = draw(i); });
    for (auto& t : threads) t.join();
    EXPECT_EQ(serial, threaded);
}

TEST(RandomStream, SeekRestoresAnyPosition) {
    RandomStream s(5, 6);
    for (int i = 0; i < 7; ++i) s.next_u32();
    std::uint64_t pos = s.position();
    EXPECT_EQ(pos, 7u);
    std::uint64_t next = s.next_u64();
    RandomStream t(5, 6);
    t.seek(pos);
    EXPECT_EQ(t.next_u64(), next);
}

// Moments of the distributions, each within 5 standard errors of its exact value (n = 200 000 draws).
TEST(RandomStream, DistributionMomentsMatchTheory) {
    RandomStream s(2024, stream_id("test", "moments"));
    const int n = 200000;
    double su = 0, se = 0, se2 = 0, sn = 0, sn2 = 0, sb = 0;
    std::vector<int> bins(10, 0);
    for (int i = 0; i < n; ++i) {
        double u = s.uniform01();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        su += u;
        double e = s.exponential(2.0);
        se += e;
        se2 += e * e;
        double z = s.normal();
        sn += z;
        sn2 += z * z;
        sb += s.bernoulli(0.3);
        bins[s.uniform_below(10)]++;
    }
    EXPECT_NEAR(su / n, 0.5, 5 * std::sqrt(1.0 / 12 / n));
    EXPECT_NEAR(se / n, 2.0, 5 * 2.0 / std::sqrt(n));
    EXPECT_NEAR(se2 / n - (se / n) * (se / n), 4.0,
                5 * std::sqrt(8.0 * 16 / n));  // sample variance: SE sqrt((mu4 - sigma^4)/n) = sqrt(8 mean^4 / n)
    EXPECT_NEAR(sn / n, 0.0, 5 / std::sqrt(n));
    EXPECT_NEAR(sn2 / n, 1.0, 5 * std::sqrt(2.0 / n));
    EXPECT_NEAR(sb / n, 0.3, 5 * std::sqrt(0.21 / n));
    for (int b : bins) EXPECT_NEAR(b, n / 10.0, 5 * std::sqrt(n * 0.09));
}

TEST(DeriveSeed, IsDeterministicAndSpreadsIndices) {
    EXPECT_EQ(derive_seed(1, 7), derive_seed(1, 7));
    std::set<std::uint64_t> seeds;
    for (std::uint64_t i = 0; i < 1000; ++i) seeds.insert(derive_seed(1, i));
    EXPECT_EQ(seeds.size(), 1000u);
}

}  // namespace qdes
