// An example of a SystemC/TLM-2.0 memory model built as a shared library that a scenario loads
// (`dram_model_library: path/to/libqdes_closed_page_dram.so`, `dram_model: closed_page_dram`) instead of compiling it
// into qdes. The source is written as for a compiled-in model (hardware/systemc/memory_model.h); only the build
// differs: CMake's `qdes_systemc_plugin(target file)`, or outside this tree
//     g++ -std=c++17 -shared -fPIC -O2 -I QDES_SOURCE $(pkg-config --cflags systemc) model.cc -o libmodel.so
// The library links nothing of qdes: it finds qdes's registry in the program that loads it.
//
// The policy is closed page: every burst activates its row, reads or writes with an auto-precharge, and leaves the
// bank closed, so a stream of bursts to one row pays tRCD + tCL each time that an open-page controller pays once:
//   - activate at the issue time, or when the bank has precharged: max(activate + tRAS, data end) + tRP after the
//     bank's previous activate;
//   - the column command tRCD after the activate; data tCL after it, once the channel's bus is free, for BL / 2
//     clocks.
// No refresh. Addresses map to channels and banks as the built-in Dram's do (hardware/accel/dram.h).

#include <algorithm>
#include <vector>

#include "hardware/systemc/memory_model.h"

namespace {

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

class ClosedPageDram : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<ClosedPageDram> socket;

    ClosedPageDram(sc_core::sc_module_name name, const qdes::accel::DramTiming& t)
        : sc_core::sc_module(name),
          socket("socket"),
          t_(t),
          tRCD_(t.tRCD_ns, SC_NS),
          tCL_(t.tCL_ns, SC_NS),
          tRP_(t.tRP_ns, SC_NS),
          tRAS_(t.tRAS_ns, SC_NS),
          burst_(t.burst_length / 2.0 * 1e3 / t.clock_mhz, SC_NS),
          bank_ready_(std::size_t(t.channels) * t.banks, SC_ZERO_TIME),
          bus_free_(t.channels, SC_ZERO_TIME) {
        socket.register_b_transport(this, &ClosedPageDram::b_transport);
    }

  private:
    // Loosely timed: issued at sc_time_stamp() + delay; delay goes back as the time from sc_time_stamp() until the
    // data have crossed the bus.
    void b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
        const std::uint64_t bytes = t_.burst_bytes();
        if (p.get_data_length() != bytes || p.get_address() % bytes != 0) {
            p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
            return;
        }
        const std::uint64_t stripe = p.get_address() / t_.interleave_bytes;
        const std::uint64_t channel = stripe % t_.channels;
        const std::uint64_t local = (stripe / t_.channels) * t_.interleave_bytes + p.get_address() % t_.interleave_bytes;
        sc_time& ready = bank_ready_[channel * t_.banks + (local / t_.row_bytes) % t_.banks];
        const sc_time now = sc_core::sc_time_stamp();
        const sc_time activate = std::max(now + delay, ready);
        const sc_time data = std::max(activate + tRCD_ + tCL_, bus_free_[channel]);
        bus_free_[channel] = data + burst_;
        ready = std::max(activate + tRAS_, data + burst_) + tRP_;
        delay = data + burst_ - now;
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    qdes::accel::DramTiming t_;
    sc_time tRCD_, tCL_, tRP_, tRAS_, burst_;
    std::vector<sc_time> bank_ready_;  ///< per channel and bank: when the next activate may come
    std::vector<sc_time> bus_free_;    ///< per channel
};

}  // namespace

QDES_SYSTEMC_MEMORY_MODEL("closed_page_dram", "closed-page DRAM, a shared-library example (no refresh)",
                          ClosedPageDram);
