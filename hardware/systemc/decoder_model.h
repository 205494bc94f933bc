#pragma once
/// Writing a SystemC/TLM-2.0 decoder model for qdes (it brings in <systemc>, so only files under hardware/systemc/
/// include it). A readout_memory selects a model with `decoder: model` and `decoder_model: NAME`
/// (protocols/qec/decoder_models.h); qdes makes one instance per decoding-graph shape (a sliding window's, a whole
/// history's) and sends it every decode of that shape.
///
/// A model is an sc_module with a `tlm_utils::simple_target_socket<Model> socket` and a constructor
/// Model(sc_core::sc_module_name, const qdes::qec::DecodingGraph&): the graph it decodes, which outlives it. Each
/// decode is one b_transport, loosely timed: a generic payload whose command is TLM_IGNORE_COMMAND, with no data, and
/// a DecodeExtension that carries the defects (the graph's nodes that fired) in and the correction out: the
/// observables it flips and, when `want_edges` is set (sliding windows commit part of a correction), the graph
/// edges it flips. `delay` comes in as 0 and goes back as the decode's latency. SystemC's scheduler does not run
/// (each model instance has a context of its own, context.h), so the model must not wait(). A response other than
/// TLM_OK_RESPONSE stops the simulation with the model's status.
///
/// Adding a model: one C++ file that ends in
///     QDES_SYSTEMC_DECODER_MODEL("name", "one line of what it is", Model)
/// and one CMake line in hardware/systemc/CMakeLists.txt, `qdes_systemc_model(models/file.cc)`. Example:
/// models/tlm_union_find.cc.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "protocols/qec/decoding_graph.h"

namespace qdes::systemc {

struct DecodeExtension : tlm::tlm_extension<DecodeExtension> {
    const std::vector<std::uint32_t>* defects = nullptr;  ///< in: distinct nodes, any order
    bool want_edges = false;                              ///< in: fill `edges` too
    std::uint64_t observables = 0;                        ///< out: bit k, observable k
    std::vector<std::uint32_t> edges;                     ///< out, when asked: the edges the correction flips

    tlm::tlm_extension_base* clone() const override { return new DecodeExtension(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        *this = static_cast<const DecodeExtension&>(other);
    }
};

/// What the decoder bridge needs of a model: the module and its target socket.
struct BoundDecoder {
    std::unique_ptr<sc_core::sc_module> module;
    tlm::tlm_target_socket<>* socket = nullptr;
};
using DecoderMaker = std::function<BoundDecoder(const char* instance, const qec::DecodingGraph&)>;

/// Called by QDES_SYSTEMC_DECODER_MODEL at start-up: registers the model with qec's decoder models.
bool add_decoder_model(const char* name, const char* doc, DecoderMaker make);

}  // namespace qdes::systemc

#define QDES_SYSTEMC_DECODER_MODEL(NAME, DOC, MODEL)                                                         \
    static const bool qdes_systemc_decoder_added_##MODEL = ::qdes::systemc::add_decoder_model(               \
        NAME, DOC, [](const char* instance, const ::qdes::qec::DecodingGraph& graph) {                      \
            auto m = std::make_unique<MODEL>(sc_core::sc_module_name(instance), graph);                     \
            ::qdes::systemc::BoundDecoder b;                                                                 \
            b.socket = &m->socket;                                                                           \
            b.module = std::move(m);                                                                         \
            return b;                                                                                        \
        })
