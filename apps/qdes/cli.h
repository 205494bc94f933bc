#pragma once
/// Shared pieces of the `qdes` subcommands: exit codes, the component registry, the embedded default scenario.

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/registry.h"

namespace qdes::cli {

/// Exit codes of every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitSimulationFailed = 1;
inline constexpr int kExitBadInput = 2;

/// Every component kind of every layer.
ComponentRegistry build_registry();

/// The scenario `qdes run` runs when no file is given (scenarios/queueing/mm1.yaml, compiled in).
const char* default_scenario_text();
inline constexpr const char* kDefaultScenarioName = "<embedded default: scenarios/queueing/mm1.yaml>";

/// The table of results that `run` and `inspect` print: a header, then one row per value with its standard error.
void print_results_header(const char* name_column, const char* value_column);
void print_result_row(const char* name, double value, double std_error, const char* unit);

/// The command line as one shell-quoted string, for the output file.
std::string quoted_command_line(int argc, char** argv);

/// What a subcommand's command line said: its options and its positional FILE arguments.
struct ParsedArgs {
    boost::program_options::variables_map options;
    std::vector<std::string> files;
};

/// Parses `args` against `options` plus positional file arguments. On a mistake prints "qdes COMMAND: ..." and
/// returns nothing (exit kExitBadInput); on --help prints `help` and the options and returns nothing (exit kExitOk),
/// setting `exit_code` either way.
std::optional<ParsedArgs> parse_args(const std::string& command, const std::vector<std::string>& args,
                                     const boost::program_options::options_description& options,
                                     const std::string& help, int& exit_code);

/// The repeatable --set values.
std::vector<std::string> overrides_of(const ParsedArgs& parsed);

/// The usage text `qdes` prints without a command.
const char* usage_text();
/// Runs the subcommand `command` (run, sweep, ...) on `args`; an unknown one gets a message and kExitBadInput.
/// `command_line` is what run files record as the command that made them.
int run_command(const std::string& command, const std::vector<std::string>& args, const std::string& command_line);

/// The qdes program that `qdes sweep` starts for each point: this process's own executable, unless a host that is
/// not the qdes program (the Python module) names it here.
void set_qdes_executable(const std::string& path);
std::string qdes_executable();

int run_main(const std::vector<std::string>& args, const std::string& command_line);
int validate_main(const std::vector<std::string>& args);
int list_params_main(const std::vector<std::string>& args);
int inspect_main(const std::vector<std::string>& args);
int detect_main(const std::vector<std::string>& args);
int analyze_main(const std::vector<std::string>& args);
int collect_main(const std::vector<std::string>& args, const std::string& command_line);
int report_main(const std::vector<std::string>& args);
int sweep_main(const std::vector<std::string>& args, const std::string& command_line);
int search_main(const std::vector<std::string>& args, const std::string& command_line);
int accel_main(const std::vector<std::string>& args, const std::string& command_line);

}  // namespace qdes::cli
