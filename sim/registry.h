#pragma once
/// The component kinds a scenario can name. Each kind registers itself (name, one-line doc, parameter schema,
/// factory); the command line and the scenario loader look kinds up by name and hold no list of their own.
///
/// Each layer library offers one function that adds its kinds (`register_sim_components(registry)`), and the
/// application calls them; there is no global registry.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/component.h"
#include "sim/params.h"

namespace qdes {

struct ComponentKind {
    std::string name;  ///< what a scenario writes after `kind:`
    std::string doc;   ///< one line
    ParamSchema params;
    /// Creates the component in `sim` from validated parameters. May throw ParamError for a combination of values
    /// that the schema alone cannot reject; the message is reported at the component's place in the scenario.
    std::function<Component&(Simulation& sim, const std::string& name, const ParamValues& params)> create;
    /// String parameters whose value names another component of the scenario that `create` looks up
    /// (Simulation::find): that one is built first. Otherwise components are built in order of name.
    std::vector<std::string> component_params;
};

class ComponentRegistry {
  public:
    /// Adds a kind; throws std::logic_error if the name is taken or a required parameter lacks an example.
    void add(ComponentKind kind);
    const ComponentKind* find(const std::string& name) const;
    /// Kind names in alphabetical order.
    std::vector<std::string> names() const;

  private:
    std::map<std::string, ComponentKind> kinds_;
};

/// Parameter values for building a kind in isolation (docs, port listing): defaults, and the examples given
/// (required parameters always have one).
ParamValues example_params(const ComponentKind& kind);

}  // namespace qdes
