// qdes analyze CIRCUIT --out FILE.dem [--decompose] [--noise MODEL --p P ...]

#include <cstdio>
#include <iostream>

#include "apps/qdes/accel_report.h"
#include "apps/qdes/circuit_input.h"
#include "apps/qdes/cli.h"
#include "models/quantum/error_analysis.h"

namespace po = boost::program_options;

namespace qdes::cli {

int analyze_main(const std::vector<std::string>& args) {
    po::options_description options("options");
    options.add_options()("help,h", "describe this command")(
        "out", po::value<std::string>(), "output .dem file (required); '-' writes to stdout")(
        "decompose", "split every error into graphlike parts (as Stim's decompose_errors), or refuse the circuit");
    add_noise_options(options);
    int exit_code = kExitOk;
    std::optional<ParsedArgs> parsed = parse_args(
        "analyze", args, options,
        "usage: qdes analyze CIRCUIT --out FILE.dem [options]\n\n"
        "Writes the circuit's detector error model in Stim's .dem format: every noise channel's Pauli faults\n"
        "propagated to the detectors and observables they flip, equal ones merged (docs/dem_format.md). A circuit\n"
        "with CCX, CCZ or MCX also runs forward, fault by fault, so that every single fault is exact (LEC included).\n",
        exit_code);
    if (!parsed) return exit_code;
    const po::variables_map& vm = parsed->options;
    auto bad = [](const std::string& m) {
        std::fprintf(stderr, "qdes analyze: %s\n", m.c_str());
        return kExitBadInput;
    };
    if (parsed->files.size() != 1) return bad("expected one circuit file (see qdes analyze --help)");
    if (!vm.count("out")) return bad("--out is required");
    std::optional<quantum::Circuit> circuit = read_noisy_circuit("analyze", parsed->files[0], vm);
    if (!circuit) return kExitBadInput;
    quantum::DetectorErrorModel model;
    try {
        model = quantum::analyze_errors(*circuit, quantum::ErrorAnalysisOptions{vm.count("decompose") > 0});
    } catch (const quantum::CircuitError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return kExitBadInput;
    }
    std::size_t decomposed = 0, hyperedges = 0;
    for (const quantum::DemErrorMechanism& e : model.errors) {
        decomposed += e.parts.size() > 1;
        for (const quantum::DemSymptom& part : e.parts) hyperedges += part.detectors.size() > 2;
    }
    const std::string out = vm["out"].as<std::string>();
    const std::string text = model.to_text();
    if (out == "-") {
        std::cout << text << std::flush;
    } else {
        try {
            write_text_file(out, text);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "qdes analyze: %s\n", e.what());
            return kExitSimulationFailed;
        }
    }
    std::fprintf(stderr, "qdes analyze: %llu detectors, %u observables, %zu error mechanisms (%zu decomposed, %zu "
                         "with more than two detectors)%s%s\n",
                 (unsigned long long)model.num_detectors, model.num_observables, model.errors.size(), decomposed,
                 hyperedges, out == "-" ? "" : " -> ", out == "-" ? "" : out.c_str());
    return kExitOk;
}

}  // namespace qdes::cli
