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
    po::options_description all;
    all.add(options).add_options()("file", po::value<std::vector<std::string>>());
    po::positional_options_description positional;
    positional.add("file", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::fprintf(stderr, "qdes validate: %s (see qdes validate --help)\n", e.what());
        return kExitBadInput;
    }
    if (vm.count("help")) {
        std::cout << "usage: qdes validate FILE [options]\n\nChecks a scenario as `qdes run` would, reports every "
                     "problem with file:line:column and key path, and runs nothing.\n\n"
                  << options;
        return kExitOk;
    }
    if (!vm.count("file") || vm["file"].as<std::vector<std::string>>().size() != 1) {
        std::fprintf(stderr, "qdes validate: expected one scenario file (see qdes validate --help)\n");
        return kExitBadInput;
    }
    std::string file = vm["file"].as<std::vector<std::string>>()[0];
    std::vector<std::string> overrides =
        vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    ComponentRegistry registry = build_registry();
    std::optional<Scenario> s = load_checked_scenario(file, overrides, registry);
    if (!s) return kExitBadInput;
    if (vm.count("print")) {
        std::printf("%s\n", s->to_json().pretty().c_str());
    } else {
        std::printf("%s: ok (%zu components, %zu links)\n", file.c_str(), s->components.size(), s->links.size());
    }
    return kExitOk;
}

}  // namespace qdes::cli
