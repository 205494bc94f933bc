#pragma once
/// Per-shot output in Stim's result formats, so files can be compared with `stim detect --append_observables`:
/// `01` (one line of '0'/'1' per shot) and `b8` (each shot's bits packed little-endian into whole bytes).

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "models/quantum/bit_table.h"

namespace qdes::quantum {

enum class ShotFormat { k01, kB8 };

/// Throws std::invalid_argument naming the accepted formats.
ShotFormat parse_shot_format(const std::string& name);

/// Writes shots [0, count) of the tables: for each shot, the bits of every row of `first`, then of `second`.
void write_shots(std::ostream& out, const BitTable& first, const BitTable& second, std::size_t count, ShotFormat format);

/// Reads shots written by write_shots (or by Stim) with `bits_per_shot` bits each: one vector of bits per shot.
/// Throws std::runtime_error on a malformed file.
std::vector<std::vector<std::uint8_t>> read_shots(const std::string& data, std::size_t bits_per_shot,
                                                  ShotFormat format);

}  // namespace qdes::quantum
