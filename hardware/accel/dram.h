#pragma once
/// A DRAM with channels, banks and row buffers, timed burst by burst from the standard parameters, so that an
/// accelerator's stalls come from contention and row misses rather than from a fixed latency.
///
/// Each channel has one data bus and `banks` banks, each with one open row (open-page policy). Requests are
/// served first come, first served, one burst (bus width x burst length) at a time:
///   - row hit: column command when the bank can take one;
///   - row empty: activate, tRCD, column command;
///   - row conflict: precharge (no earlier than tRAS after the activate), tRP, activate, tRCD, column command;
/// data follows the column command after tCL and occupies the bus for BL / 2 clocks (double data rate). Banks work
/// in parallel: an activate on one bank overlaps another bank's transfer. Every tREFI a channel refreshes all its
/// banks for tRFC (starting once its bus
/// drains, before any command planned at or after the due time), which closes their rows. Addresses interleave across channels every `interleave_bytes`;
/// within a channel, a row's columns come first, then the next bank, then the next row.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/time.h"

namespace qdes::accel {

struct DramTiming {
    std::string name;
    double clock_mhz = 1200;               ///< DRAM clock (data rate is twice this)
    std::uint32_t channels = 1;
    std::uint32_t banks = 16;              ///< per channel
    std::uint32_t bus_bits = 64;           ///< data bus width of a channel
    std::uint32_t burst_length = 8;        ///< beats per burst
    std::uint64_t row_bytes = 8192;        ///< row buffer (page) size per bank
    std::uint64_t interleave_bytes = 256;  ///< consecutive bytes on one channel before the next
    double tRCD_ns = 13.32, tCL_ns = 13.32, tRP_ns = 13.32, tRAS_ns = 32, tREFI_ns = 7800, tRFC_ns = 350;
    double energy_pj_per_bit = 15;         ///< access energy per bit moved

    std::uint64_t burst_bytes() const { return std::uint64_t(bus_bits) * burst_length / 8; }
    /// Time a burst occupies the data bus: BL / 2 clocks.
    TimePs burst_ps() const;
    /// Peak bandwidth of all channels, bytes per second.
    double peak_bytes_per_second() const;
};

/// The presets: "ddr4_2400" (one 64-bit channel, 16 banks, 8 KiB rows), "lpddr4_3200" (two 16-bit channels,
/// 8 banks, 2 KiB rows) and "hbm2" (8 128-bit channels at 1 GHz, 16 banks, 2 KiB rows). Throws
/// std::invalid_argument for another name.
DramTiming dram_preset(const std::string& name);
std::vector<std::string> dram_preset_names();

struct DramStats {
    std::uint64_t read_bytes = 0, write_bytes = 0;
    std::uint64_t bursts = 0;
    std::uint64_t row_hits = 0, row_empty = 0, row_conflicts = 0;  ///< per burst
    std::uint64_t refreshes = 0;
    TimePs bus_busy_ps = 0;  ///< summed over channels
    /// Lock-step SystemC models: bursts that reached the target after their issue time because it was still in a
    /// wait() for earlier ones, and the time they lost so.
    std::uint64_t late_bursts = 0;
    TimePs late_ps = 0;
};

/// What the accelerator reads and writes its operands through: the built-in Dram, or a model that stands in for it
/// (hardware/accel/memory_models.h; a user's SystemC/TLM-2.0 target through hardware/systemc/).
class MemoryTarget {
  public:
    virtual ~MemoryTarget() = default;
    /// Serves `bytes` at `address` (split into bursts), queued at `issue_ps`; returns when its last burst has
    /// crossed the bus. Requests come in non-decreasing time order per channel.
    virtual TimePs access(std::uint64_t address, std::uint64_t bytes, bool write, TimePs issue_ps) = 0;
    /// Traffic and row-buffer counts so far (a model that does not know a count leaves it 0).
    virtual const DramStats& stats() const = 0;
};

class Dram final : public MemoryTarget {
  public:
    explicit Dram(DramTiming timing);

    /// First come, first served per channel (see the header comment).
    TimePs access(std::uint64_t address, std::uint64_t bytes, bool write, TimePs issue_ps) override;

    const DramTiming& timing() const { return t_; }
    const DramStats& stats() const override { return stats_; }

  private:
    struct Bank {
        std::uint64_t open_row = kNoRow;
        TimePs activated_ps = 0;
        TimePs column_ready_ps = 0;  ///< earliest next column command
    };
    struct Channel {
        std::vector<Bank> banks;
        TimePs bus_free_ps = 0;
        TimePs next_refresh_ps = 0;
    };
    static constexpr std::uint64_t kNoRow = ~std::uint64_t(0);

    /// Returns when the burst's data has crossed the bus.
    TimePs burst(Channel& ch, std::uint64_t local_address, TimePs ready_ps);
    /// Performs the channel's next refresh.
    void refresh(Channel& ch);

    DramTiming t_;
    TimePs tRCD_, tCL_, tRP_, tRAS_, tREFI_, tRFC_, tBurst_;
    std::vector<Channel> channels_;
    DramStats stats_;
};

}  // namespace qdes::accel
