// qdes: the command line. Each subcommand lives in its own file; this one only dispatches.

#include <cstdio>
#include <string>
#include <vector>

#include "apps/qdes/cli.h"
#include "sim/diagnostics.h"
#include "sim/version.h"

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

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fputs(kUsage, stderr);
        return qdes::cli::kExitBadInput;
    }
    std::string command = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    if (command == "--help" || command == "-h" || command == "help") {
        std::fputs(kUsage, stdout);
        return qdes::cli::kExitOk;
    }
    if (command == "--version") {
        std::printf("qdes %s\n", std::string(qdes::code_version()).c_str());
        return qdes::cli::kExitOk;
    }
    if (command == "run") return qdes::cli::run_main(args, qdes::cli::quoted_command_line(argc, argv));
    if (command == "validate") return qdes::cli::validate_main(args);
    if (command == "list-params") return qdes::cli::list_params_main(args);
    if (command == "inspect") return qdes::cli::inspect_main(args);
    if (command == "detect") return qdes::cli::detect_main(args);
    if (command == "analyze") return qdes::cli::analyze_main(args);
    if (command == "collect") return qdes::cli::collect_main(args, qdes::cli::quoted_command_line(argc, argv));
    if (command == "report") return qdes::cli::report_main(args);
    if (command == "accel") return qdes::cli::accel_main(args, qdes::cli::quoted_command_line(argc, argv));
    if (command == "search") return qdes::cli::search_main(args, qdes::cli::quoted_command_line(argc, argv));
    if (command == "sweep") return qdes::cli::sweep_main(args, qdes::cli::quoted_command_line(argc, argv));
    std::fprintf(stderr, "qdes: unknown command \"%s\"%s\n\n%s", command.c_str(),
                 qdes::did_you_mean(command, {"run", "validate", "list-params", "inspect", "detect", "analyze", "collect",
                                              "sweep",
                                              "report", "accel", "search"})
                     .c_str(),
                 kUsage);
    return qdes::cli::kExitBadInput;
}
