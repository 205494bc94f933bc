#pragma once
/// Decoder models by name: decoders that stand in for the built-in ones, such as a user's SystemC/TLM-2.0 target
/// through the bridge (hardware/systemc/decoder_model.h). A readout_memory selects one with `decoder: model` and
/// `decoder_model: NAME`; it decodes every window (or history) graph, and the latency it reports is each decode's.
///
/// The registry is per process and filled at program start-up; lookups may then run on any thread.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "protocols/qec/decoder.h"

namespace qdes::qec {

using DecoderModelFactory = std::function<std::unique_ptr<Decoder>(const DecodingGraph&)>;

/// Registers a model; throws std::invalid_argument for an empty name or a name taken.
void register_decoder_model(const std::string& name, const std::string& doc, DecoderModelFactory factory);
/// The registered names, sorted.
std::vector<std::string> decoder_model_names();
bool has_decoder_model(const std::string& name);
/// Notes a model that could not be registered (from start-up code, which must not throw); has_decoder_model and
/// make_decoder_model then throw it (std::invalid_argument).
void note_decoder_model_error(const std::string& what);
/// The model `name` on `graph` (which must outlive it); std::invalid_argument naming the known models otherwise.
std::unique_ptr<Decoder> make_decoder_model(const std::string& name, const DecodingGraph& graph);

}  // namespace qdes::qec
