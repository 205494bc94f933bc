// qdes: the command line. Each subcommand lives in its own file (dispatch.cc finds it by name).

#include <cstdio>
#include <string>
#include <vector>

#include "apps/qdes/cli.h"
#include "sim/version.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fputs(qdes::cli::usage_text(), stderr);
        return qdes::cli::kExitBadInput;
    }
    std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::fputs(qdes::cli::usage_text(), stdout);
        return qdes::cli::kExitOk;
    }
    if (command == "--version") {
        std::printf("qdes %s\n", std::string(qdes::code_version()).c_str());
        return qdes::cli::kExitOk;
    }
    return qdes::cli::run_command(command, std::vector<std::string>(argv + 2, argv + argc),
                                  qdes::cli::quoted_command_line(argc, argv));
}
