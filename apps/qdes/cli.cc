#include "apps/qdes/cli.h"

#include "sim/queueing/queueing.h"

namespace qdes::cli {

ComponentRegistry build_registry() {
    ComponentRegistry registry;
    register_queueing_components(registry);
    return registry;
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

}  // namespace qdes::cli
