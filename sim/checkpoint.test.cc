#include "sim/checkpoint.h"

#include <gtest/gtest.h>

#include <random>

#include "sim/statistics.h"
#include "tests/support/test_util.h"

namespace qdes {
namespace {

TEST(StateRecord, ReadsBackWhatWasWrittenAndRefusesAnotherLayout) {
    StateWriter w;
    w.u64(0xfedcba9876543210ull);
    w.f64(-0.1);
    w.vec(std::vector<std::uint8_t>{1, 0, 1});
    w.vec(std::vector<double>{});
    {
        StateReader r(w.bytes(), "the test");
        EXPECT_EQ(r.u64(), 0xfedcba9876543210ull);
        EXPECT_EQ(r.f64(), -0.1);
        std::vector<std::uint8_t> flags;
        r.vec(flags);
        EXPECT_EQ(flags, (std::vector<std::uint8_t>{1, 0, 1}));
        std::vector<double> none{7.0};
        r.vec(none);
        EXPECT_TRUE(none.empty());
        EXPECT_NO_THROW(r.expect_end());
    }
    {
        StateReader r(w.bytes(), "component memory");
        try {
            r.f64();  // a u64 was written first
            FAIL() << "read a double where an integer was saved";
        } catch (const CheckpointError& e) {
            EXPECT_STREQ(e.what(),
                         "the saved state of component memory cannot be read: its layout differs from this "
                         "code's");
        }
    }
    {
        StateReader r(w.bytes(), "x");
        r.u64();
        EXPECT_THROW(r.expect_end(), CheckpointError);
    }
    const std::vector<std::uint8_t> cut(w.bytes().begin(), w.bytes().begin() + 5);
    StateReader r(cut, "x");
    EXPECT_THROW(r.u64(), CheckpointError);
}

// A statistic saved halfway and restored into a fresh one ends exactly where the uninterrupted one does.
TEST(StateRecord, StatisticsContinueExactlyAfterARestore) {
    std::mt19937_64 rng(3);
    std::exponential_distribution<double> x(0.5);
    Tally whole, first;
    TimeAverage level_whole, level_first;
    std::vector<double> values(5000);
    for (double& v : values) v = x(rng);
    for (std::size_t i = 0; i < 2000; ++i) {
        whole.add(values[i]);
        first.add(values[i]);
        level_whole.set(TimePs(i) * 1000, values[i]);
        level_first.set(TimePs(i) * 1000, values[i]);
    }
    StateWriter w;
    first.save_state(w);
    level_first.save_state(w);
    Tally second;
    TimeAverage level_second;
    StateReader r(w.bytes(), "statistics");
    second.restore_state(r);
    level_second.restore_state(r);
    r.expect_end();
    for (std::size_t i = 2000; i < values.size(); ++i) {
        whole.add(values[i]);
        second.add(values[i]);
        level_whole.set(TimePs(i) * 1000, values[i]);
        level_second.set(TimePs(i) * 1000, values[i]);
    }
    const TimePs end = TimePs(values.size()) * 1000;
    for (const auto& [a, b] : {std::pair{whole.summary(end), second.summary(end)},
                               std::pair{level_whole.summary(end), level_second.summary(end)}}) {
        EXPECT_EQ(a.mean, b.mean);
        EXPECT_EQ(a.std_error, b.std_error);
        EXPECT_EQ(a.batches, b.batches);
        EXPECT_EQ(a.count, b.count);
        EXPECT_GT(a.batches, 31u);
    }
}

TEST(CheckpointFile, KeepsEveryFieldExactly) {
    testing::TempDir dir;
    Checkpoint c;
    c.code_version = "v1.2-3-gabc";
    c.scenario_json = "{\"name\":\"x\"}";
    c.now_ps = (TimePs(1) << 60) + 1;  // beyond a double's 53 bits
    c.events = (std::uint64_t(1) << 62) + 3;
    c.statistics = {{"memory.shots", {1, 2, 3}}, {"memory.failures", {}}};
    c.components = {{"memory", std::vector<std::uint8_t>(100000, 7)}};
    const auto path = dir.path() / "run.h5.checkpoint";
    write_checkpoint(path, c);
    write_checkpoint(path, c);  // replaces the earlier one
    const Checkpoint back = read_checkpoint(path);
    EXPECT_EQ(back.code_version, c.code_version);
    EXPECT_EQ(back.scenario_json, c.scenario_json);
    EXPECT_EQ(back.now_ps, c.now_ps);
    EXPECT_EQ(back.events, c.events);
    EXPECT_EQ(back.written_at.size(), 20u);  // 2026-11-23T10:00:00Z
    ASSERT_EQ(back.statistics.size(), 2u);   // by name
    EXPECT_EQ(back.statistics[0].name, "memory.failures");
    EXPECT_TRUE(back.statistics[0].bytes.empty());
    EXPECT_EQ(back.statistics[1].bytes, (std::vector<std::uint8_t>{1, 2, 3}));
    ASSERT_EQ(back.components.size(), 1u);
    EXPECT_EQ(back.components[0].bytes, c.components[0].bytes);
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);  // no temporary left
    EXPECT_THROW(read_checkpoint(dir.write("not.h5", "plain text")), CheckpointError);
}

}  // namespace
}  // namespace qdes
