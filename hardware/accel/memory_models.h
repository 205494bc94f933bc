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

using MemoryModelFactory = std::function<std::unique_ptr<MemoryTarget>(const DramTiming&)>;

/// Registers a model; throws std::invalid_argument for an empty name, "builtin", or a name taken.
void register_memory_model(const std::string& name, const std::string& doc, MemoryModelFactory factory);
/// "builtin" and every registered name, sorted after it.
std::vector<std::string> memory_model_names();
/// The model `name` for `timing`; throws std::invalid_argument naming the known models for an unknown name.
std::unique_ptr<MemoryTarget> make_memory_model(const std::string& name, const DramTiming& timing);

}  // namespace qdes::accel
