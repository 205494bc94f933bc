// The subcommands by name, for main.cc and the Python module (python/module.cc).

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "apps/qdes/cli.h"
#include "sim/diagnostics.h"

namespace qdes::cli {
namespace {

constexpr const char* kUsage =
    "qdes: discrete-event simulation of quantum memories and accelerator hardware\n"
    "\n"
    "usage: qdes <command> [options]\n"
    "\n"
    "commands:\n"
    "  run [FILE]          run a scenario (the embedded M/M/1 default when FILE is omitted) and write DIR/<name>.h5\n"
    "  validate FILE       check a scenario and report every problem in it\n"
    "  list-params [KIND]  list component kinds, or the parameters, ports and statistics of one\n"
    "  inspect RUN.h5      print a run file's status, scenario, tables and summary\n"
    "  detect CIRCUIT      sample a circuit's detection events and observable flips (as `stim detect`)\n"
    "  analyze CIRCUIT     write a circuit's detector error model (.dem, as `stim analyze_errors`)\n"
    "  collect             logical error rates of circuits x decoders, sampled until enough errors (as sinter)\n"
    "  sweep FILE          run every point of a scenario's sweep: block, N at a time, and write a campaign file\n"
    "  report CAMPAIGN     thresholds, D_eff and plots from a sweep's campaign file\n"
    "  accel               run a SCALE-Sim configuration and topology on the accelerator model\n"
    "  search FILE         search for an LEC rule that outlives Toom's, by reinforcement learning and random search\n"
    "\n"
    "`qdes <command> --help` describes each command. Exit codes: 0 success, 1 simulation failure, 2 bad input.\n";

std::mutex g_executable_mutex;
std::string g_executable;  // empty: this process's own

}  // namespace

const char* usage_text() { return kUsage; }

namespace {

int dispatch(const std::string& command, const std::vector<std::string>& args, const std::string& command_line) {
    if (command == "run") return run_main(args, command_line);
    if (command == "validate") return validate_main(args);
    if (command == "list-params") return list_params_main(args);
    if (command == "inspect") return inspect_main(args);
    if (command == "detect") return detect_main(args);
    if (command == "analyze") return analyze_main(args);
    if (command == "collect") return collect_main(args, command_line);
    if (command == "report") return report_main(args);
    if (command == "accel") return accel_main(args, command_line);
    if (command == "search") return search_main(args, command_line);
    if (command == "sweep") return sweep_main(args, command_line);
    std::fprintf(stderr, "qdes: unknown command \"%s\"%s\n\n%s", command.c_str(),
                 did_you_mean(command, {"run", "validate", "list-params", "inspect", "detect", "analyze", "collect",
                                        "sweep", "report", "accel", "search"})
                     .c_str(),
                 kUsage);
    return kExitBadInput;
}

}  // namespace

int run_command(const std::string& command, const std::vector<std::string>& args, const std::string& command_line) {
    // Each command answers bad input with its own message; an exception that still gets here is a bug in qdes
    // (the fuzz harnesses call the commands directly and report it as one), but the user gets a message and an
    // exit code rather than std::terminate.
    try {
        return dispatch(command, args, command_line);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "qdes %s: internal error: %s\n", command.c_str(), e.what());
        return kExitSimulationFailed;
    }
}

void set_qdes_executable(const std::string& path) {
    std::lock_guard<std::mutex> lock(g_executable_mutex);
    g_executable = path;
}

std::string qdes_executable() {
    {
        std::lock_guard<std::mutex> lock(g_executable_mutex);
        if (!g_executable.empty()) return g_executable;
    }
    std::error_code ec;
    return std::filesystem::read_symlink("/proc/self/exe", ec).string();
}

}  // namespace qdes::cli
