#include "apps/qdes/circuit_input.h"

#include <cstdio>

#include "models/quantum/noise.h"

namespace po = boost::program_options;

namespace qdes::cli {

void add_noise_options(po::options_description& options) {
    options.add_options()("noise", po::value<std::string>(), "add a noise model: gate_bitflip or gate_depolarizing")(
        "p", po::value<double>(), "the noise model's gate and reset error probability")(
        "q", po::value<double>(), "the noise model's measurement flip probability (default: p)")(
        "idle", po::value<double>()->default_value(0), "idle error probability per layer for untouched qubits");
}

std::optional<quantum::Circuit> read_noisy_circuit(const std::string& command, const std::string& path,
                                                   const po::variables_map& vm) {
    auto bad = [&](const std::string& m) {
        std::fprintf(stderr, "qdes %s: %s\n", command.c_str(), m.c_str());
        return std::nullopt;
    };
    quantum::NoiseModel noise;
    if (vm.count("noise")) {
        try {
            noise.kind = quantum::NoiseModel::parse_kind(vm["noise"].as<std::string>());
        } catch (const std::invalid_argument& e) {
            return bad(std::string("--noise: ") + e.what());
        }
        if (!vm.count("p")) return bad("--noise needs --p");
    } else if (vm.count("p") || vm.count("q") || vm["idle"].as<double>() != 0) {
        return bad("--p, --q and --idle need --noise");
    }
    for (const char* key : {"p", "q", "idle"}) {
        if (!vm.count(key)) continue;
        const double v = vm[key].as<double>();
        if (!(v >= 0 && v <= 1)) return bad(std::string("--") + key + " must be a probability in [0, 1]");
    }
    if (vm.count("p")) noise.p = vm["p"].as<double>();
    if (vm.count("q")) noise.q = vm["q"].as<double>();
    noise.idle = vm["idle"].as<double>();
    try {
        quantum::Circuit circuit = quantum::read_circuit_file(path);
        if (noise.kind != quantum::NoiseModel::Kind::kNone) circuit = quantum::add_gate_noise(circuit, noise);
        return circuit;
    } catch (const quantum::CircuitError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return std::nullopt;
    } catch (const std::invalid_argument& e) {
        return bad(e.what());
    }
}

}  // namespace qdes::cli
