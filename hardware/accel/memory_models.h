#pragma once
/// Memory models that stand in for the accelerator's built-in DRAM, by name: a scenario's `dram_model: NAME`
/// (systolic_accelerator) builds the model registered under NAME with the accelerator's DRAM timing. The SystemC
/// bridge (hardware/systemc/) registers the user's TLM-2.0 targets here; "builtin" is the built-in Dram.
///
/// The registry is per process and filled before simulations start (at program start-up); lookups may then run
/// on any thread.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hardware/accel/dram.h"

namespace qdes::accel {

/// How a SystemC model's time follows qdes's (hardware/systemc/memory_model.h): kDecoupled calls the target outside
/// SystemC's scheduler with the issue time as the annotated delay (the target must not wait()); kLockstep runs
/// SystemC's scheduler, kept within `quantum_ps` behind each request's issue time, and the target may wait().
enum class MemorySync { kDecoupled, kLockstep };

struct MemoryModelOptions {
    MemorySync sync = MemorySync::kDecoupled;
    TimePs quantum_ps = 0;
    /// Lockstep only: the bursts of an access go as approximately timed transactions (nb_transport, four phases),
    /// outstanding together, instead of one b_transport after another.
    bool approximately_timed = false;
};

using MemoryModelFactory = std::function<std::unique_ptr<MemoryTarget>(const DramTiming&, const MemoryModelOptions&)>;

/// Registers a model; throws std::invalid_argument for an empty name, "builtin", or a name taken.
void register_memory_model(const std::string& name, const std::string& doc, MemoryModelFactory factory);
/// "builtin" and every registered name, sorted after it.
std::vector<std::string> memory_model_names();
/// Notes a model that could not be registered (from start-up code, which must not throw); the next
/// load_memory_model_library or make_memory_model reports it.
void note_memory_model_error(const std::string& what);
/// Loads a shared library of models (`dram_model_library:`): its start-up code registers them, as a compiled-in
/// model's does (hardware/systemc/memory_model.h). Loading a library twice does nothing; it stays loaded. Throws
/// std::invalid_argument with the loader's message when it cannot be loaded.
void load_memory_model_library(const std::string& path);
/// The model `name` for `timing`; throws std::invalid_argument naming the known models for an unknown name, and
/// for lock-step options on the built-in model (it has no scheduler to follow).
std::unique_ptr<MemoryTarget> make_memory_model(const std::string& name, const DramTiming& timing,
                                                const MemoryModelOptions& options = {});

}  // namespace qdes::accel
