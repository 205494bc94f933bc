#include "hardware/accel/dram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qdes::accel {

static TimePs ns_to_ps(double ns) { return TimePs(std::llround(ns * 1000.0)); }

TimePs DramTiming::burst_ps() const { return TimePs(std::llround(burst_length / 2.0 * 1e6 / clock_mhz)); }

double DramTiming::peak_bytes_per_second() const {
    return double(channels) * bus_bits / 8.0 * 2.0 * clock_mhz * 1e6;
}

DramTiming dram_preset(const std::string& name) {
    DramTiming t;
    t.name = name;
    if (name == "ddr4_2400") {
        // JEDEC DDR4-2400R (16-16-16), 8 Gb devices: one 64-bit channel of x8 devices, 16 banks, 8 KiB rows.
        t.clock_mhz = 1200, t.channels = 1, t.banks = 16, t.bus_bits = 64, t.burst_length = 8, t.row_bytes = 8192;
        t.tRCD_ns = 13.32, t.tCL_ns = 13.32, t.tRP_ns = 13.32, t.tRAS_ns = 32, t.tREFI_ns = 7800, t.tRFC_ns = 350;
        t.energy_pj_per_bit = 15;
    } else if (name == "lpddr4_3200") {
        // LPDDR4-3200: two 16-bit channels, BL16, 8 banks, 2 KiB rows; RL 28 clocks; per-bank tRP 18 ns; 8 Gb
        // per channel (tRFCab 280 ns, tREFI 3.9 us).
        t.clock_mhz = 1600, t.channels = 2, t.banks = 8, t.bus_bits = 16, t.burst_length = 16, t.row_bytes = 2048;
        t.tRCD_ns = 18, t.tCL_ns = 17.5, t.tRP_ns = 18, t.tRAS_ns = 42, t.tREFI_ns = 3904, t.tRFC_ns = 280;
        t.energy_pj_per_bit = 8;
    } else if (name == "hbm2") {
        // One HBM2 stack at 2 Gb/s per pin: 8 128-bit channels, BL4, 16 banks, 2 KiB rows.
        t.clock_mhz = 1000, t.channels = 8, t.banks = 16, t.bus_bits = 128, t.burst_length = 4, t.row_bytes = 2048;
        t.tRCD_ns = 14, t.tCL_ns = 14, t.tRP_ns = 14, t.tRAS_ns = 34, t.tREFI_ns = 3900, t.tRFC_ns = 350;
        t.energy_pj_per_bit = 3.9;
    } else {
        throw std::invalid_argument("unknown DRAM preset \"" + name + "\" (ddr4_2400, lpddr4_3200, hbm2)");
    }
    return t;
}

std::vector<std::string> dram_preset_names() { return {"ddr4_2400", "lpddr4_3200", "hbm2"}; }

Dram::Dram(DramTiming timing)
    : t_(std::move(timing)),
      tRCD_(ns_to_ps(t_.tRCD_ns)),
      tCL_(ns_to_ps(t_.tCL_ns)),
      tRP_(ns_to_ps(t_.tRP_ns)),
      tRAS_(ns_to_ps(t_.tRAS_ns)),
      tREFI_(ns_to_ps(t_.tREFI_ns)),
      tRFC_(ns_to_ps(t_.tRFC_ns)),
      tBurst_(t_.burst_ps()) {
    if (t_.channels == 0 || t_.banks == 0 || t_.bus_bits == 0 || t_.burst_length == 0 || t_.row_bytes == 0 ||
        t_.interleave_bytes == 0 || !(t_.clock_mhz > 0))
        throw std::invalid_argument("DRAM: channels, banks, bus width, burst length, row size, interleave and clock "
                                    "must be positive");
    if (t_.row_bytes % t_.burst_bytes() != 0 || t_.interleave_bytes % t_.burst_bytes() != 0)
        throw std::invalid_argument("DRAM: the row size and the channel interleave must be whole bursts (" +
                                    std::to_string(t_.burst_bytes()) + " B)");
    channels_.resize(t_.channels);
    for (Channel& ch : channels_) {
        ch.banks.resize(t_.banks);
        ch.next_refresh_ps = tREFI_ > 0 ? tREFI_ : kTimeNever;
    }
}

void Dram::refresh(Channel& ch) {
    // All banks refresh together once the bus has drained, for tRFC; their rows are closed afterwards.
    const TimePs start = std::max(ch.next_refresh_ps, ch.bus_free_ps);
    const TimePs end = start + tRFC_;
    for (Bank& b : ch.banks) {
        b.open_row = kNoRow;
        b.column_ready_ps = std::max(b.column_ready_ps, end);
    }
    ch.next_refresh_ps += tREFI_;
    ++stats_.refreshes;
}

TimePs Dram::burst(Channel& ch, std::uint64_t local, TimePs ready_ps) {
    const std::uint64_t row_global = local / t_.row_bytes;
    Bank& bank = ch.banks[row_global % t_.banks];
    const std::uint64_t row = row_global / t_.banks;
    enum { kHit, kEmpty, kConflict } kind;
    TimePs first_command_ps, activate_ps = 0, column_ps;
    for (;;) {
        if (bank.open_row == row) {
            kind = kHit;
            column_ps = first_command_ps = std::max(ready_ps, bank.column_ready_ps);
        } else {
            if (bank.open_row == kNoRow) {
                kind = kEmpty;
                activate_ps = first_command_ps = std::max(ready_ps, bank.column_ready_ps);
            } else {
                kind = kConflict;
                first_command_ps = std::max({ready_ps, bank.column_ready_ps, bank.activated_ps + tRAS_});
                activate_ps = first_command_ps + tRP_;
            }
            column_ps = activate_ps + tRCD_;
        }
        if (first_command_ps < ch.next_refresh_ps) break;
        refresh(ch);  // due before this burst's first command: it goes first, then the burst is planned again
    }
    if (kind == kHit) {
        ++stats_.row_hits;
    } else {
        ++(kind == kEmpty ? stats_.row_empty : stats_.row_conflicts);
        bank.open_row = row;
        bank.activated_ps = activate_ps;
    }
    const TimePs data_start = std::max(column_ps + tCL_, ch.bus_free_ps);
    const TimePs data_end = data_start + tBurst_;
    // The next column command to this bank can follow one burst later (tCCD = BL / 2).
    bank.column_ready_ps = std::max(column_ps, data_start - tCL_) + tBurst_;
    ch.bus_free_ps = data_end;
    stats_.bus_busy_ps += tBurst_;
    ++stats_.bursts;
    return data_end;
}

TimePs Dram::access(std::uint64_t address, std::uint64_t bytes, bool write, TimePs issue_ps) {
    if (bytes == 0) return issue_ps;
    (write ? stats_.write_bytes : stats_.read_bytes) += bytes;
    const std::uint64_t bb = t_.burst_bytes();
    const std::uint64_t first = address / bb, last = (address + bytes - 1) / bb;
    TimePs done = issue_ps;
    for (std::uint64_t b = first; b <= last; ++b) {
        const std::uint64_t a = b * bb;
        const std::uint64_t stripe = a / t_.interleave_bytes;
        Channel& ch = channels_[stripe % t_.channels];
        const std::uint64_t local = (stripe / t_.channels) * t_.interleave_bytes + a % t_.interleave_bytes;
        done = std::max(done, burst(ch, local, issue_ps));
    }
    return done;
}

}  // namespace qdes::accel
