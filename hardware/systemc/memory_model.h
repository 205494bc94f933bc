#pragma once
/// Writing a SystemC/TLM-2.0 memory model for qdes (the one header a model includes; it brings in <systemc>, so only
/// files under hardware/systemc/ include it, built with SC_CPLUSPLUS=201703L).
///
/// A model is an sc_module with a `tlm_utils::simple_target_socket<Model> socket` whose `b_transport` serves one
/// burst per call: a read or a write of DramTiming::burst_bytes() at a burst-aligned address. The bridge
/// (tlm_memory_bridge.cc) is the initiator: it calls b_transport with `delay` = the burst's issue time, measured
/// from SystemC time zero, and takes `delay` on return as the time its data has crossed the bus (loosely timed with
/// temporal decoupling: SystemC's scheduler never runs, so the model must not call wait(), and it keeps its own
/// state in absolute time). A response other than TLM_OK_RESPONSE stops the simulation with the model's status.
///
/// Adding a model: one C++ file that ends in
///     QDES_SYSTEMC_MEMORY_MODEL("name", "one line of what it is", Model)
/// where Model has a constructor Model(sc_core::sc_module_name, const qdes::accel::DramTiming&); and one CMake line
/// in hardware/systemc/CMakeLists.txt, `qdes_systemc_model(models/file.cc)`. A scenario then selects it with
/// `dram_model: name` on a systolic_accelerator. Example: models/open_page_dram.cc.

#include <functional>
#include <memory>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "hardware/accel/dram.h"

namespace qdes::systemc {

/// What the bridge needs of a model: the module (kept alive with it) and its target socket.
struct BoundModel {
    std::unique_ptr<sc_core::sc_module> module;
    tlm::tlm_target_socket<>* socket = nullptr;
};
using ModelMaker = std::function<BoundModel(const char* instance, const accel::DramTiming&)>;

/// Called by QDES_SYSTEMC_MEMORY_MODEL at start-up; the models reach accel's registry through
/// register_systemc_memory_models().
bool add_model(const char* name, const char* doc, ModelMaker make);

}  // namespace qdes::systemc

#define QDES_SYSTEMC_MEMORY_MODEL(NAME, DOC, MODEL)                                                          \
    static const bool qdes_systemc_model_added_##MODEL = ::qdes::systemc::add_model(                         \
        NAME, DOC, [](const char* instance, const ::qdes::accel::DramTiming& timing) {                      \
            auto m = std::make_unique<MODEL>(sc_core::sc_module_name(instance), timing);                    \
            ::qdes::systemc::BoundModel b;                                                                   \
            b.socket = &m->socket;                                                                           \
            b.module = std::move(m);                                                                         \
            return b;                                                                                        \
        })
