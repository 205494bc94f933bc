#include "hardware/accel/memory_models.h"

#include <dlfcn.h>

#include <map>
#include <mutex>
#include <stdexcept>

namespace qdes::accel {

namespace {

struct Registry {
    std::mutex mutex;
    std::map<std::string, std::pair<std::string, MemoryModelFactory>> models;
    std::string errors;  ///< noted, not yet reported
};

Registry& registry() {
    static Registry r;
    return r;
}

/// Throws the noted errors, prefixed, and forgets them.
void report_noted(const std::string& prefix) {
    std::string errors;
    {
        Registry& r = registry();
        std::lock_guard<std::mutex> lock(r.mutex);
        errors.swap(r.errors);
    }
    if (!errors.empty()) throw std::invalid_argument(prefix + errors);
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

void note_memory_model_error(const std::string& what) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.errors += (r.errors.empty() ? "" : "; ") + what;
}

void load_memory_model_library(const std::string& path) {
    report_noted("memory models: ");
    // RTLD_GLOBAL: a model library may use another's symbols. Never closed: the models' code must stay.
    if (!dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL)) {
        const char* why = dlerror();
        throw std::invalid_argument("dram_model_library: cannot load " + path + ": " + (why ? why : "unknown error"));
    }
    report_noted("dram_model_library: " + path + ": ");
}

std::unique_ptr<MemoryTarget> make_memory_model(const std::string& name, const DramTiming& timing,
                                                const MemoryModelOptions& options) {
    report_noted("memory models: ");
    if (name == "builtin") {
        if (options.sync != MemorySync::kDecoupled)
            throw std::invalid_argument("dram_sync: lockstep needs a SystemC model in dram_model (the builtin DRAM "
                                        "has no scheduler to keep in step)");
        return std::make_unique<Dram>(timing);
    }
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
    return factory(timing, options);
}

}  // namespace qdes::accel
