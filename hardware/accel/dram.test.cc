// The DRAM model against timelines worked out by hand from its rules (dram.h), on a small made-up part:
// 1 GHz clock, BL4 on a 64-bit bus (32 B bursts taking 2 ns), 2 banks of 1 KiB rows, tRCD = tCL = tRP = 10 ns,
// tRAS = 25 ns; refresh off unless a test turns it on.

#include "hardware/accel/dram.h"

#include <gtest/gtest.h>

#include "hardware/accel/test_dram_part.h"

namespace qdes::accel {
namespace {

constexpr TimePs ns = 1000;

TEST(Dram, StreamWithinOneRowIsOneActivateThenBusBound) {
    // First burst: activate at 0, column at 10, data 20..22; each next one follows on the bus: n bursts end at
    // 20 + 2 n ns.
    Dram d(test_dram_part());
    EXPECT_EQ(d.access(0, 1024, false, 0), (20 + 2 * 32) * ns);
    EXPECT_EQ(d.stats().row_empty, 1u);
    EXPECT_EQ(d.stats().row_hits, 31u);
    EXPECT_EQ(d.stats().read_bytes, 1024u);
}

TEST(Dram, AlternatingRowsOfOneBankMissEveryTime) {
    // Rows 0 and 1 of bank 0 (byte 0 and byte 2048). Burst 1: data 20..22. Burst 2: precharge at tRAS = 25,
    // activate 35, column 45, data 55..57. Burst 3: precharge at 35 + 25 = 60, data 90..92: one every tRAS + tRP.
    Dram d(test_dram_part());
    TimePs end = 0;
    for (int i = 0; i < 10; ++i) end = d.access(i % 2 == 0 ? 0 : 2048, 32, false, 0);
    EXPECT_EQ(end, (22 + 35 * 9) * ns);
    EXPECT_EQ(d.stats().row_conflicts, 9u);
    EXPECT_EQ(d.stats().row_empty, 1u);
}

TEST(Dram, TwoBanksOverlapTheirActivates) {
    // Bank 0 row 0 and bank 1 row 0 (byte 1024): both activate at 0; the second's data waits only for the bus.
    Dram d(test_dram_part());
    EXPECT_EQ(d.access(0, 32, false, 0), 22 * ns);
    EXPECT_EQ(d.access(1024, 32, false, 0), 24 * ns);
    // Then alternate rows in each bank: bank 0 row 1 (2048) precharges at 25, bank 1 row 1 (3072) at 25 too,
    // so their data lands at 55..57 and 57..59.
    EXPECT_EQ(d.access(2048, 32, false, 0), 57 * ns);
    EXPECT_EQ(d.access(3072, 32, false, 0), 59 * ns);
}

TEST(Dram, RefreshClosesRowsAndBlocksForTrfc) {
    // tREFI 100 ns, tRFC 30 ns, 64 bursts from time 0 over two rows (bank 0, then bank 1, whose activate hides
    // under bank 0's transfers, so the timeline is that of one row): burst k's column command is at 10 + 2k, due at
    // or after 100 from k = 45, whose data would follow the bus at 110. The refresh runs 110..140; burst 45 then
    // activates at 140, data 160..162, and bursts 46..63 follow: the last ends at 162 + 2 x 18 = 198 ns.
    DramTiming t = test_dram_part();
    t.tREFI_ns = 100, t.tRFC_ns = 30;
    Dram d(t);
    EXPECT_EQ(d.access(0, 2 * 1024, false, 0), 0u + 198 * ns);  // two rows: bank 0 row 0, then bank 1 row 0
    EXPECT_EQ(d.stats().refreshes, 1u);
}

TEST(Dram, BandwidthOfALongStreamApproachesThePeak) {
    // HBM2 preset: 8 channels x 16 B x 2 GT/s = 256 GB/s. A 64 MiB stream activates each row while other banks
    // transfer, so it loses only the refreshes: tRFC / tREFI = 350 / 3900 = 9% of each channel's time. It takes
    // more than bytes / peak and less than 1.15 x that.
    const DramTiming t = dram_preset("hbm2");
    EXPECT_DOUBLE_EQ(t.peak_bytes_per_second(), 256e9);
    Dram d(t);
    const std::uint64_t bytes = 64ull << 20;
    const TimePs end = d.access(0, bytes, false, 0);
    const double ideal_ps = double(bytes) / t.peak_bytes_per_second() * 1e12;
    EXPECT_GT(double(end), ideal_ps);
    EXPECT_LT(double(end), ideal_ps * 1.15);
}

TEST(Dram, PresetsAndBadTimings) {
    EXPECT_EQ(dram_preset("ddr4_2400").burst_bytes(), 64u);
    EXPECT_EQ(dram_preset("ddr4_2400").burst_ps(), 3333u);
    EXPECT_DOUBLE_EQ(dram_preset("ddr4_2400").peak_bytes_per_second(), 19.2e9);
    EXPECT_DOUBLE_EQ(dram_preset("lpddr4_3200").peak_bytes_per_second(), 12.8e9);
    EXPECT_THROW(dram_preset("ddr5"), std::invalid_argument);
    DramTiming t = test_dram_part();
    t.row_bytes = 1000;  // not whole bursts
    EXPECT_THROW(Dram{t}, std::invalid_argument);
}

}  // namespace
}  // namespace qdes::accel
