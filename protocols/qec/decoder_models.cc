#include "protocols/qec/decoder_models.h"

#include <map>
#include <mutex>
#include <stdexcept>

namespace qdes::qec {

namespace {

struct Registry {
    std::mutex mutex;
    std::map<std::string, std::pair<std::string, DecoderModelFactory>> models;
};

Registry& registry() {
    static Registry r;
    return r;
}

}  // namespace

void register_decoder_model(const std::string& name, const std::string& doc, DecoderModelFactory factory) {
    if (name.empty()) throw std::invalid_argument("a decoder model needs a name");
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (!r.models.emplace(name, std::make_pair(doc, std::move(factory))).second)
        throw std::invalid_argument("decoder model \"" + name + "\" is registered twice");
}

std::vector<std::string> decoder_model_names() {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    std::vector<std::string> names;
    for (const auto& [name, entry] : r.models) names.push_back(name);
    return names;
}

bool has_decoder_model(const std::string& name) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    return r.models.count(name) != 0;
}

std::unique_ptr<Decoder> make_decoder_model(const std::string& name, const DecodingGraph& graph) {
    DecoderModelFactory factory;
    {
        Registry& r = registry();
        std::lock_guard<std::mutex> lock(r.mutex);
        const auto it = r.models.find(name);
        if (it != r.models.end()) factory = it->second.second;
    }
    if (!factory) {
        std::string known;
        for (const std::string& n : decoder_model_names()) known += (known.empty() ? "" : ", ") + n;
        throw std::invalid_argument("decoder_model: no decoder model \"" + name + "\" (known: " +
                                    (known.empty() ? "none" : known) + ")");
    }
    return factory(graph);
}

}  // namespace qdes::qec
