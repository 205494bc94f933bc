// qdes validate FILE [--set k=v]...

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "apps/qdes/cli.h"
#include "apps/qdes/scenario_input.h"

namespace po = boost::program_options;

namespace qdes::cli {

int validate_main(const std::vector<std::string>& args) {
    po::options_description options("options");
    options.add_options()("help,h", "describe this command")("set", po::value<std::vector<std::string>>()->composing(),
                                                             "override a scenario value: KEY.PATH=VALUE")(
        "print", "print the resolved scenario as canonical JSON");
    int exit_code = kExitOk;
    std::optional<ParsedArgs> parsed =
        parse_args("validate", args, options,
                   "usage: qdes validate FILE [options]\n\nChecks a scenario as `qdes run` would, reports every "
                   "problem with file:line:column and key path, and runs nothing.\n",
                   exit_code);
    if (!parsed) return exit_code;
    if (parsed->files.size() != 1) {
        std::fprintf(stderr, "qdes validate: expected one scenario file (see qdes validate --help)\n");
        return kExitBadInput;
    }
    const std::string& file = parsed->files[0];
    std::vector<std::string> overrides = overrides_of(*parsed);
    ComponentRegistry registry = build_registry();
    std::optional<Scenario> s = load_checked_scenario(file, overrides, registry);
    if (!s) return kExitBadInput;
    if (parsed->options.count("print")) {
        std::printf("%s\n", s->to_json().pretty().c_str());
    } else {
        std::printf("%s: ok (%zu components, %zu links)\n", file.c_str(), s->components.size(), s->links.size());
    }
    return kExitOk;
}

}  // namespace qdes::cli
