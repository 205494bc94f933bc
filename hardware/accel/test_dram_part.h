#pragma once
/// For tests: a small made-up DRAM whose timelines are easy to work out by hand. 1 GHz clock, BL4 on a 64-bit bus
/// (32 B bursts taking 2 ns), one channel of 2 banks with 1 KiB rows, tRCD = tCL = tRP = 10 ns, tRAS = 25 ns, no
/// refresh.

#include "hardware/accel/dram.h"

namespace qdes::accel {

inline DramTiming test_dram_part() {
    DramTiming t;
    t.name = "test";
    t.clock_mhz = 1000, t.channels = 1, t.banks = 2, t.bus_bits = 64, t.burst_length = 4, t.row_bytes = 1024;
    t.interleave_bytes = 1024;
    t.tRCD_ns = 10, t.tCL_ns = 10, t.tRP_ns = 10, t.tRAS_ns = 25, t.tREFI_ns = 0, t.tRFC_ns = 0;
    return t;
}

}  // namespace qdes::accel
