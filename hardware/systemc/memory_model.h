#pragma once
/// Writing a SystemC/TLM-2.0 memory model for qdes (the one header a model includes; it brings in <systemc>, so only
/// files under hardware/systemc/ include it, built with SC_CPLUSPLUS=201703L).
///
/// A model is an sc_module with a `tlm_utils::simple_target_socket<Model> socket` whose `b_transport` serves one
/// burst per call: a read or a write of DramTiming::burst_bytes() at a burst-aligned address. The bridge
/// (tlm_memory_bridge.cc) is the initiator, loosely timed: the burst is issued at sc_time_stamp() + `delay`, and the
/// model sets `delay` on return so that sc_time_stamp() + `delay` is the time its data has crossed the bus. A
/// response other than TLM_OK_RESPONSE stops the simulation with the model's status. Each model instance lives in a
/// SystemC context of its own (context.h). Two ways to run it, `dram_sync:` on the systolic_accelerator:
///
/// - decoupled (the default): the bridge calls b_transport directly, outside SystemC's scheduler, which never runs;
///   sc_time_stamp() stays 0, so `delay` carries the absolute issue time. The model must not call wait() (refused
///   with advice) and keeps its own state in absolute time. The fastest way (bench/tlm_bridge_bench).
/// - lockstep: the bridge's initiator is an SC_THREAD and SystemC's scheduler runs beside qdes. Before a burst
///   issued more than `dram_quantum` after SystemC's present, SystemC runs up to the issue time (the model's own
///   processes with it); within the quantum the burst goes with the difference as its delay, as with
///   tlm_utils::tlm_quantumkeeper. SystemC runs until the model has answered and no further, so it never gets ahead
///   of qdes by more than the model's own wait()s. The model may wait(); while it waits, later bursts queue
///   behind it (they reach it after their issue time: DramStats::late_bursts, late_ps). A quantum of 0 keeps
///   SystemC exactly at each issue time.
/// - lockstep with `dram_protocol: at`: approximately timed. The bursts of one access go as outstanding
///   transactions of the base protocol (nb_transport_fw BEGIN_REQ; END_REQ and BEGIN_RESP by return or on the
///   backward path; the bridge answers BEGIN_RESP with END_RESP), each BEGIN_REQ once the target has ended the request
///   before it; the access is done at its last BEGIN_RESP. A model that registers only b_transport is served through
///   simple_target_socket's adapter, which ends a request only with its response, so its bursts go one at a time.
///
/// Adding a model: one C++ file that ends in
///     QDES_SYSTEMC_MEMORY_MODEL("name", "one line of what it is", Model)
/// where Model has a constructor Model(sc_core::sc_module_name, const qdes::accel::DramTiming&); and one CMake line
/// in hardware/systemc/CMakeLists.txt, `qdes_systemc_model(models/file.cc)`. A scenario then selects it with
/// `dram_model: name` on a systolic_accelerator. Example: models/open_page_dram.cc. Or build the file as a shared
/// library (CMake: `qdes_systemc_plugin(target file)`; the example plugins/closed_page_dram.cc says how outside this
/// tree) and name it in the scenario, `dram_model_library: path/libmodel.so`.

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
