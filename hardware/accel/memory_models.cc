#include "hardware/accel/memory_models.h"

#include <dlfcn.h>

#include <stdexcept>

#include "sim/named_registry.h"

namespace qdes::accel {

namespace {

NamedRegistry<MemoryModelFactory>& registry() {
    static NamedRegistry<MemoryModelFactory> r("memory model");
    return r;
}

}  // namespace

void register_memory_model(const std::string& name, const std::string& doc, MemoryModelFactory factory) {
    if (name == "builtin") throw std::invalid_argument("a memory model needs a name other than \"builtin\"");
    registry().add(name, doc, std::move(factory));
}

std::vector<std::string> memory_model_names() {
    std::vector<std::string> names{"builtin"};
    for (std::string& n : registry().names()) names.push_back(std::move(n));
    return names;
}

void note_memory_model_error(const std::string& what) { registry().note_error(what); }

void load_memory_model_library(const std::string& path) {
    registry().report_noted("memory models: ");
    // RTLD_GLOBAL: a model library may use another's symbols. Never closed: the models' code must stay.
    if (!dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL)) {
        const char* why = dlerror();
        throw std::invalid_argument("dram_model_library: cannot load " + path + ": " + (why ? why : "unknown error"));
    }
    registry().report_noted("dram_model_library: " + path + ": ");
}

std::unique_ptr<MemoryTarget> make_memory_model(const std::string& name, const DramTiming& timing,
                                                const MemoryModelOptions& options) {
    registry().report_noted("memory models: ");
    if (name == "builtin") {
        if (options.sync != MemorySync::kDecoupled || options.approximately_timed)
            throw std::invalid_argument(std::string(options.approximately_timed ? "dram_protocol: at" : "dram_sync: lockstep") +
                                        " needs a SystemC model in dram_model (the builtin DRAM has no scheduler to "
                                        "keep in step)");
        return std::make_unique<Dram>(timing);
    }
    const MemoryModelFactory factory = registry().find(name);
    if (!factory)
        throw std::invalid_argument("dram_model: no memory model \"" + name + "\" (known: " +
                                    joined_names(memory_model_names()) + ")");
    return factory(timing, options);
}

}  // namespace qdes::accel
