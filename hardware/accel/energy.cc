#include "hardware/accel/energy.h"

#include <cmath>

namespace qdes::accel {

static double size_factor(const EnergyTable& t, double bank_bytes) {
    return std::pow(bank_bytes / t.sram_reference_bytes, t.sram_size_exponent);
}

double EnergyTable::sram_read_pj(double bank_bytes, double bits) const {
    return sram_read_64bit_pj * bits / 64.0 * size_factor(*this, bank_bytes);
}

double EnergyTable::sram_write_pj(double bank_bytes, double bits) const {
    return sram_write_64bit_pj * bits / 64.0 * size_factor(*this, bank_bytes);
}

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& o) {
    mac_pj += o.mac_pj, register_pj += o.register_pj;
    ifmap_sram_pj += o.ifmap_sram_pj, filter_sram_pj += o.filter_sram_pj, ofmap_sram_pj += o.ofmap_sram_pj;
    dram_pj += o.dram_pj;
    return *this;
}

}  // namespace qdes::accel
