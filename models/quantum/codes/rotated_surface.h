#pragma once
/// The rotated surface code memory experiment, laid out, scheduled and made noisy as Stim's generator does it
/// (`stim.Circuit.generated("surface_code:rotated_memory_x" | "surface_code:rotated_memory_z", ...)`), so that
/// qdes can study the standard circuits at any distance without Stim. The generated text equals Stim's own
/// circuits in ../shared/reference/stim instruction for instruction (tested).
///
/// Layout (coordinates as QUBIT_COORDS): data qubits at odd (x, y) = (2i + 1, 2j + 1), i, j < d; measurement
/// qubits at even (2i, 2j), i, j <= d, X-type where i + j is odd, Z-type where it is even; on the left and right
/// edges (i = 0, d) only Z-type, on the top and bottom (j = 0, d) only X-type. Qubit (x, y) has index
/// x + (y / 2) (2d + 1). Each round: H on the X-type measurement qubits, four CX layers (X-type measure qubits
/// reach their data at offsets (+1, +1), (-1, +1), (+1, -1), (-1, -1); Z-type data reach their measure qubit from
/// (+1, +1), (+1, -1), (-1, +1), (-1, -1), so that hook errors run along the logical that cannot see them), H,
/// MR. The memory's basis decides which checks make first-round and final detectors and which data line is the
/// observable (the left column for X, the bottom row for Z).

#include <cstdint>

#include "models/quantum/circuit.h"

namespace qdes::quantum {

struct RotatedSurfaceOptions {
    std::uint32_t distance = 3;  ///< odd or even, at least 2
    std::uint64_t rounds = 1;    ///< at least 1
    char basis = 'Z';            ///< 'Z': rotated_memory_z, 'X': rotated_memory_x
    // Stim's four noise parameters (a value of 0 leaves its instructions out, as Stim does):
    double after_clifford_depolarization = 0;    ///< DEPOLARIZE1 after H, DEPOLARIZE2 after each CX
    double before_round_data_depolarization = 0; ///< DEPOLARIZE1 on the data at the start of every round
    double before_measure_flip_probability = 0;  ///< X_ERROR (Z_ERROR for X-basis data) before measurements
    double after_reset_flip_probability = 0;     ///< X_ERROR (Z_ERROR) after resets

    /// Every noise parameter p: the "circuit-level depolarizing noise" of the standard studies.
    static RotatedSurfaceOptions uniform(std::uint32_t d, std::uint64_t rounds, char basis, double p);
};

/// The memory circuit; std::invalid_argument for a distance below 2, zero rounds, a basis other than X or Z, or a
/// probability outside [0, 1].
Circuit rotated_surface_memory(const RotatedSurfaceOptions& options);

}  // namespace qdes::quantum
