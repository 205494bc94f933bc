// An example of a user's SystemC/TLM-2.0 memory model (hardware/systemc/memory_model.h): a loosely timed DRAM
// target with an open-page policy, written as a SystemC user would write one, from the DDR timing rules:
//   - a burst to the open row of its bank waits for the bank's next column slot (tCCD = BL / 2 after the last);
//   - to a closed bank: activate, tRCD, column; to another row: precharge (no sooner than tRAS after the last
//     activate), tRP, activate, tRCD, column;
//   - data follow the column command after tCL and hold the channel's bus for BL / 2 clocks;
//   - every tREFI a channel refreshes all its banks for tRFC, once its bus has drained and before any burst whose
//     first command would come at or after the due time; the refresh closes every row.
// Addresses interleave across channels every interleave_bytes; within a channel, a row's columns come first, then
// the next bank, then the next row. These are the rules of the built-in Dram (hardware/accel/dram.h), and tests hold
// the two equal burst for burst.

#include <vector>

#include "hardware/systemc/memory_model.h"

namespace {

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

class OpenPageDram : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<OpenPageDram> socket;

    OpenPageDram(sc_core::sc_module_name name, const qdes::accel::DramTiming& t)
        : sc_core::sc_module(name),
          socket("socket"),
          t_(t),
          tRCD_(t.tRCD_ns, SC_NS),
          tCL_(t.tCL_ns, SC_NS),
          tRP_(t.tRP_ns, SC_NS),
          tRAS_(t.tRAS_ns, SC_NS),
          tREFI_(t.tREFI_ns, SC_NS),
          tRFC_(t.tRFC_ns, SC_NS),
          burst_(t.burst_length / 2.0 * 1e3 / t.clock_mhz, SC_NS),
          channels_(t.channels, Channel{std::vector<Bank>(t.banks), SC_ZERO_TIME, tREFI_}) {
        socket.register_b_transport(this, &OpenPageDram::b_transport);
    }

  private:
    struct Bank {
        bool open = false;
        std::uint64_t row = 0;
        sc_time activated = SC_ZERO_TIME, next_column = SC_ZERO_TIME;
    };
    struct Channel {
        std::vector<Bank> banks;
        sc_time bus_free;
        sc_time refresh_due;
    };

    void refresh(Channel& ch) {
        const sc_time end = std::max(ch.refresh_due, ch.bus_free) + tRFC_;
        for (Bank& b : ch.banks) {
            b.open = false;
            b.next_column = std::max(b.next_column, end);
        }
        ch.refresh_due += tREFI_;
    }

    // Loosely timed: the burst is issued at sc_time_stamp() + delay, and delay goes back as the time from
    // sc_time_stamp() until its data has crossed the bus. The banks keep their state in absolute time.
    void b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
        const std::uint64_t bytes = t_.burst_bytes();
        if (p.get_data_length() != bytes || p.get_address() % bytes != 0) {
            p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
            return;
        }
        const std::uint64_t address = p.get_address();
        const std::uint64_t stripe = address / t_.interleave_bytes;
        Channel& ch = channels_[stripe % t_.channels];
        const std::uint64_t local = (stripe / t_.channels) * t_.interleave_bytes + address % t_.interleave_bytes;
        const std::uint64_t row_in_channel = local / t_.row_bytes;
        Bank& bank = ch.banks[row_in_channel % t_.banks];
        const std::uint64_t row = row_in_channel / t_.banks;

        const sc_time now = sc_core::sc_time_stamp(), ready = now + delay;
        const bool hit = [&] {
            for (;;) {  // a refresh due before this burst's first command goes first
                const bool h = bank.open && bank.row == row;
                sc_time first = std::max(ready, bank.next_column);
                if (!h && bank.open) first = std::max(first, bank.activated + tRAS_);
                if (tREFI_ == SC_ZERO_TIME || first < ch.refresh_due) return h;
                refresh(ch);
            }
        }();
        sc_time column;
        if (hit) {
            column = std::max(ready, bank.next_column);
        } else {
            sc_time activate = std::max(ready, bank.next_column);
            if (bank.open) activate = std::max(activate, bank.activated + tRAS_) + tRP_;
            bank.open = true;
            bank.row = row;
            bank.activated = activate;
            column = activate + tRCD_;
        }
        const sc_time data = std::max(column + tCL_, ch.bus_free);
        bank.next_column = std::max(column, data - tCL_) + burst_;
        ch.bus_free = data + burst_;
        delay = data + burst_ - now;
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    qdes::accel::DramTiming t_;
    sc_time tRCD_, tCL_, tRP_, tRAS_, tREFI_, tRFC_, burst_;
    std::vector<Channel> channels_;
};

}  // namespace

QDES_SYSTEMC_MEMORY_MODEL("open_page_dram", "an example SystemC/TLM-2.0 DRAM target: open page, all-bank refresh",
                          OpenPageDram);
