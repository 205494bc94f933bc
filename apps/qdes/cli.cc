#include "apps/qdes/cli.h"

#include <cstdio>
#include <iostream>

#include "models/quantum/quantum_memory.h"
#include "hardware/accel/accelerator.h"
#include "hardware/systemc/register.h"
#include "protocols/inference/workload.h"
#include "protocols/lec/lec_memory.h"
#include "protocols/qec/decoding_memory.h"
#include "sim/queueing/queueing.h"

namespace qdes::cli {

ComponentRegistry build_registry() {
    ComponentRegistry registry;
    register_queueing_components(registry);
    quantum::register_quantum_components(registry);
    lec::register_lec_components(registry);
    qec::register_qec_components(registry);
    accel::register_accel_components(registry);
    systemc::register_systemc_memory_models();  // dram_model: the SystemC/TLM-2.0 models compiled in
    inference::register_inference_components(registry);
    return registry;
}

void print_results_header(const char* name_column, const char* value_column) {
    std::printf("  %-28s %14s   %-12s %s\n", name_column, value_column, "std error", "unit");
}

void print_result_row(const char* name, double value, double std_error, const char* unit) {
    std::printf("  %-28s %14.6g ± %-12.3g %s\n", name, value, std_error, unit);
}

std::string quoted_command_line(int argc, char** argv) {
    std::string line;
    for (int i = 0; i < argc; ++i) {
        std::string arg = argv[i];
        bool plain = !arg.empty() && arg.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789-_./=:,+@%") == std::string::npos;
        if (!line.empty()) line += ' ';
        if (plain) {
            line += arg;
        } else {
            line += '\'';
            for (char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
            line += '\'';
        }
    }
    return line;
}

std::optional<ParsedArgs> parse_args(const std::string& command, const std::vector<std::string>& args,
                                     const boost::program_options::options_description& options,
                                     const std::string& help, int& exit_code) {
    namespace po = boost::program_options;
    po::options_description all;
    all.add(options).add_options()("file", po::value<std::vector<std::string>>());
    po::positional_options_description positional;
    positional.add("file", -1);
    ParsedArgs parsed;
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), parsed.options);
        po::notify(parsed.options);
    } catch (const po::error& e) {
        std::fprintf(stderr, "qdes %s: %s (see qdes %s --help)\n", command.c_str(), e.what(), command.c_str());
        exit_code = kExitBadInput;
        return std::nullopt;
    }
    if (parsed.options.count("help")) {
        std::cout << help << "\n" << options;
        exit_code = kExitOk;
        return std::nullopt;
    }
    if (parsed.options.count("file")) parsed.files = parsed.options["file"].as<std::vector<std::string>>();
    return parsed;
}

std::vector<std::string> overrides_of(const ParsedArgs& parsed) {
    const auto& vm = parsed.options;
    return vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
}

}  // namespace qdes::cli
