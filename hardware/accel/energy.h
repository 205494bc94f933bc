#pragma once
/// Energy per action, in the style of Accelergy's energy reference tables: a MAC by operand widths, a register
/// access, an SRAM read or write by the size of the bank, a bit moved to or from DRAM.
///
/// The default set is 45 nm, from the Timeloop + Accelergy reference outputs in ../shared/reference/timeloop
/// (simple_weight_stationary): an 8-bit integer MAC 0.315 pJ; a 16-bit register read 0.144 pJ; a 64-bit read of a
/// 128 KiB SRAM 32.4 pJ and a write 26.2 pJ; LPDDR4 512 pJ per 64-bit access, 8 pJ per bit. Scaling rules (ours,
/// approximations): a MAC's energy scales with the product of its operand widths (an array multiplier dominates),
/// a register's with its width, an SRAM access with its width and with (bank bytes / 128 KiB)^0.5 (CACTI's
/// trend for wordline and bitline length); DRAM per bit comes from the DRAM preset unless the table sets it.

#include <cstdint>

namespace qdes::accel {

struct EnergyTable {
    double mac_8bit_pj = 0.315;             ///< one 8 x 8-bit integer multiply-accumulate
    double register_pj_per_bit = 0.009;     ///< 0.144 pJ / 16 bits
    double sram_read_64bit_pj = 32.4;       ///< at the reference bank size
    double sram_write_64bit_pj = 26.2;
    double sram_reference_bytes = 131072;   ///< 128 KiB
    double sram_size_exponent = 0.5;
    double dram_pj_per_bit = -1;            ///< < 0: the DRAM preset's value

    double mac_pj(std::uint32_t weight_bits, std::uint32_t input_bits) const {
        return mac_8bit_pj * double(weight_bits) * double(input_bits) / 64.0;
    }
    /// Energy of reading (or writing) `bits` from a bank of `bank_bytes`.
    double sram_read_pj(double bank_bytes, double bits) const;
    double sram_write_pj(double bank_bytes, double bits) const;
};

/// Energy of one layer (or a network) by component, picojoules.
struct EnergyBreakdown {
    double mac_pj = 0, register_pj = 0;
    double ifmap_sram_pj = 0, filter_sram_pj = 0, ofmap_sram_pj = 0;
    double dram_pj = 0;
    double total_pj() const {
        return mac_pj + register_pj + ifmap_sram_pj + filter_sram_pj + ofmap_sram_pj + dram_pj;
    }
    EnergyBreakdown& operator+=(const EnergyBreakdown& o);
};

}  // namespace qdes::accel
