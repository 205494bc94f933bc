#pragma once
/// The circuit a command reads: a Stim-format file, optionally with a named noise model added (the --noise, --p,
/// --q and --idle options that `detect`, `analyze` and `collect` share).

#include <boost/program_options.hpp>
#include <optional>
#include <string>

#include "models/quantum/circuit.h"

namespace qdes::cli {

/// Adds --noise, --p, --q and --idle to `options`.
void add_noise_options(boost::program_options::options_description& options);

/// Reads `path` and adds the noise the options ask for. On a problem prints "qdes COMMAND: ..." (or the circuit's
/// file:line message) and returns nothing: the command then exits with kExitBadInput.
std::optional<quantum::Circuit> read_noisy_circuit(const std::string& command, const std::string& path,
                                                   const boost::program_options::variables_map& vm);

}  // namespace qdes::cli
