#include "sim/registry.h"

#include <stdexcept>

namespace qdes {

void ComponentRegistry::add(ComponentKind kind) {
    if (kinds_.count(kind.name)) throw std::logic_error("component kind \"" + kind.name + "\" registered twice");
    for (const ParamSpec& p : kind.params.specs()) {
        if (p.required() && p.example.empty()) {
            throw std::logic_error("required parameter " + kind.name + "." + p.name + " needs an example value");
        }
    }
    std::string name = kind.name;
    kinds_.emplace(std::move(name), std::move(kind));
}

const ComponentKind* ComponentRegistry::find(const std::string& name) const {
    auto it = kinds_.find(name);
    return it == kinds_.end() ? nullptr : &it->second;
}

std::vector<std::string> ComponentRegistry::names() const {
    std::vector<std::string> n;
    for (const auto& [k, v] : kinds_) n.push_back(k);
    return n;
}

ParamValues example_params(const ComponentKind& kind) {
    std::map<std::string, std::string> examples;
    for (const ParamSpec& p : kind.params.specs()) {
        // Required parameters need their example; an optional one may give an example for building a sample (a
        // component that needs one of two alternatives, say).
        if (p.required() || !p.example.empty()) examples[p.name] = p.example;
    }
    return defaults_with(kind.params, examples);
}

}  // namespace qdes
