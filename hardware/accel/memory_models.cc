#include "hardware/accel/memory_models.h"

#include <map>
#include <mutex>
#include <stdexcept>

namespace qdes::accel {

namespace {

struct Registry {
    std::mutex mutex;
    std::map<std::string, std::pair<std::string, MemoryModelFactory>> models;
};

Registry& registry() {
    static Registry r;
    return r;
}

}  // namespace

void register_memory_model(const std::string& name, const std::string& doc, MemoryModelFactory factory) {
    if (name.empty() || name == "builtin")
        throw std::invalid_argument("a memory model needs a name other than \"" + name + "\"");
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (!r.models.emplace(name, std::make_pair(doc, std::move(factory))).second)
        throw std::invalid_argument("memory model \"" + name + "\" is registered twice");
}

std::vector<std::string> memory_model_names() {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    std::vector<std::string> names{"builtin"};
    for (const auto& [name, entry] : r.models) names.push_back(name);
    return names;
}

std::unique_ptr<MemoryTarget> make_memory_model(const std::string& name, const DramTiming& timing) {
    if (name == "builtin") return std::make_unique<Dram>(timing);
    MemoryModelFactory factory;
    {
        Registry& r = registry();
        std::lock_guard<std::mutex> lock(r.mutex);
        const auto it = r.models.find(name);
        if (it != r.models.end()) factory = it->second.second;
    }
    if (!factory) {
        std::string known;
        for (const std::string& n : memory_model_names()) known += (known.empty() ? "" : ", ") + n;
        throw std::invalid_argument("dram_model: no memory model \"" + name + "\" (known: " + known + ")");
    }
    return factory(timing);
}

}  // namespace qdes::accel
