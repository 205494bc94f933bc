#pragma once
/// The SystemC models compiled into this program (hardware/systemc/memory_model.h), made available to scenarios as
/// memory models (hardware/accel/memory_models.h). This header does not include <systemc>.

#include <string>
#include <vector>

namespace qdes::systemc {

/// Registers every compiled-in model with accel::register_memory_model (once; later calls do nothing).
void register_systemc_memory_models();
/// Their names.
std::vector<std::string> systemc_model_names();

}  // namespace qdes::systemc
