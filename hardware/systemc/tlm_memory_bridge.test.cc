#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "hardware/accel/memory_models.h"
#include "hardware/systemc/register.h"

namespace qdes::systemc {
namespace {

struct Access {
    std::uint64_t address, bytes;
    bool write;
    TimePs issue;
};

// A trace that meets row hits, empty banks and row conflicts on every channel: runs of sequential reads, strided
// reads that jump rows, and writes back, issued 20 ns apart, `count` of them.
std::vector<Access> trace(std::size_t count, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<Access> out;
    TimePs t = 0;
    std::uint64_t cursor = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const int kind = int(rng() % 3);
        Access a{};
        if (kind == 0) a = {cursor, 256, false, t};                              // sequential
        if (kind == 1) a = {(rng() % 4096) * 8192 + (rng() % 64) * 64, 64, false, t};  // a far row
        if (kind == 2) a = {(rng() % 1024) * 512, 128, true, t};                 // a write back
        cursor += 256;
        out.push_back(a);
        t += 20'000;
    }
    return out;
}

std::vector<TimePs> replay(accel::MemoryTarget& m, const std::vector<Access>& accesses) {
    std::vector<TimePs> done;
    for (const Access& a : accesses) done.push_back(m.access(a.address, a.bytes, a.write, a.issue));
    return done;
}

TEST(TlmMemoryBridge, TheExampleModelIsRegisteredBesideTheBuiltinDram) {
    register_systemc_memory_models();
    register_systemc_memory_models();  // once only
    const std::vector<std::string> names = accel::memory_model_names();
    EXPECT_EQ(names.front(), "builtin");
    EXPECT_NE(std::find(names.begin(), names.end(), "open_page_dram"), names.end());
    try {
        accel::make_memory_model("no_such_model", accel::dram_preset("ddr4_2400"));
        FAIL() << "an unknown model was made";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("known: builtin, open_page_dram"), std::string::npos) << e.what();
    }
}

// 140 accesses (about 450 bursts) in 2.8 us, all served before the built-in Dram's first refresh (tREFI: 7.8 us for
// DDR4, 3.9 us for LPDDR4): the SystemC model through the bridge finishes every access at exactly the built-in
// Dram's time, on one channel (DDR4) and on two (LPDDR4), and the bridge counts the same bytes and bursts.
TEST(TlmMemoryBridge, ASystemCDramThroughTheBridgeTimesAShortTraceAsTheBuiltinDram) {
    register_systemc_memory_models();
    for (const char* preset : {"ddr4_2400", "lpddr4_3200"}) {
        const accel::DramTiming t = accel::dram_preset(preset);
        const std::vector<Access> accesses = trace(140, 7);
        auto builtin = accel::make_memory_model("builtin", t);
        auto bridged = accel::make_memory_model("open_page_dram", t);
        EXPECT_EQ(replay(*bridged, accesses), replay(*builtin, accesses)) << preset;
        ASSERT_EQ(builtin->stats().refreshes, 0u) << preset;
        EXPECT_EQ(bridged->stats().bursts, builtin->stats().bursts);
        EXPECT_EQ(bridged->stats().read_bytes, builtin->stats().read_bytes);
        EXPECT_EQ(bridged->stats().write_bytes, builtin->stats().write_bytes);
        EXPECT_GT(builtin->stats().row_conflicts, 20u);
        EXPECT_GT(builtin->stats().row_hits, 20u);
    }
}

// 5000 accesses over 100 us, through a dozen refreshes (every 7.8 us, 350 ns each, which delay the accesses behind
// them and close every row): still equal, access for access.
TEST(TlmMemoryBridge, ALongTraceWithRefreshesTimesAsTheBuiltinDram) {
    register_systemc_memory_models();
    const accel::DramTiming t = accel::dram_preset("ddr4_2400");
    const std::vector<Access> accesses = trace(5000, 3);
    auto builtin = accel::make_memory_model("builtin", t);
    auto bridged = accel::make_memory_model("open_page_dram", t);
    EXPECT_EQ(replay(*bridged, accesses), replay(*builtin, accesses));
    EXPECT_GT(builtin->stats().refreshes, 10u);
}

}  // namespace
}  // namespace qdes::systemc
