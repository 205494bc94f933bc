#include "protocols/qec/decoder_models.h"

#include <stdexcept>

#include "sim/named_registry.h"

namespace qdes::qec {

namespace {

NamedRegistry<DecoderModelFactory>& registry() {
    static NamedRegistry<DecoderModelFactory> r("decoder model");
    return r;
}

}  // namespace

void register_decoder_model(const std::string& name, const std::string& doc, DecoderModelFactory factory) {
    registry().add(name, doc, std::move(factory));
}

std::vector<std::string> decoder_model_names() { return registry().names(); }

void note_decoder_model_error(const std::string& what) { registry().note_error(what); }

bool has_decoder_model(const std::string& name) {
    registry().report_noted("decoder models: ");
    return static_cast<bool>(registry().find(name));
}

std::unique_ptr<Decoder> make_decoder_model(const std::string& name, const DecodingGraph& graph) {
    registry().report_noted("decoder models: ");
    const DecoderModelFactory factory = registry().find(name);
    if (!factory)
        throw std::invalid_argument("decoder_model: no decoder model \"" + name + "\" (known: " +
                                    joined_names(decoder_model_names()) + ")");
    return factory(graph);
}

}  // namespace qdes::qec
