// An example of a user's SystemC/TLM-2.0 decoder model (hardware/systemc/decoder_model.h): qdes's union-find decoder
// behind a target socket, with the latency of a decoder core that takes 20 cycles to start and 4 cycles per defect
// at 250 MHz: 80 ns + 16 ns per defect. It is how a SystemC user wraps a behavioural decoder with a timing
// annotation; tests hold a memory decoded by it equal, shot for shot, to the built-in union-find under the linear
// latency model with those constants.

#include "hardware/systemc/decoder_model.h"
#include "protocols/qec/union_find.h"

namespace {

class TlmUnionFind : public sc_core::sc_module {
  public:
    static constexpr double kClockNs = 4, kStartCycles = 20, kCyclesPerDefect = 4;
    tlm_utils::simple_target_socket<TlmUnionFind> socket;

    TlmUnionFind(sc_core::sc_module_name name, const qdes::qec::DecodingGraph& graph)
        : sc_core::sc_module(name), socket("socket"), decoder_(graph) {
        socket.register_b_transport(this, &TlmUnionFind::b_transport);
    }

  private:
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
        qdes::systemc::DecodeExtension* d = nullptr;
        p.get_extension(d);
        if (!d || !d->defects) {
            p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
            return;
        }
        d->observables = d->want_edges ? decoder_.decode_edges(*d->defects, d->edges) : decoder_.decode(*d->defects);
        const double cycles = kStartCycles + kCyclesPerDefect * double(d->defects->size());
        delay += sc_core::sc_time(cycles * kClockNs, sc_core::SC_NS);
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    qdes::qec::UnionFindDecoder decoder_;
};

}  // namespace

QDES_SYSTEMC_DECODER_MODEL("tlm_union_find", "union-find behind a TLM-2.0 socket, 80 ns + 16 ns per defect (example)",
                           TlmUnionFind);
