#pragma once
/// Readout cycles: a memory whose syndrome is read out once every R rounds, with R - 1 rounds of measurement-free
/// local error correction (LEC) in between (R = 1 is standard error correction).
///
/// The memory stores a Z-basis state of a CSS code whose qubits each lie in at most two Z checks (the 2D toric code,
/// the repetition code), so its X errors are what the readouts see and what flips its logicals. Qubits: the data
/// 0..n-1, then one ancilla per Z check. Every round starts by resetting the ancillas and copies each check's parity
/// onto its ancilla by CX gates in one layer per check position (a check's k-th qubit in layer k: translation
/// invariant, so every qubit of one kind sees the same schedule). Then:
/// - an LEC round applies the rule: `both_ends` flips a data qubit (CCX) when the ancillas of both its checks fire;
///   qubits in a single check are left alone;
///   `rule` runs a user-defined rule file instead (protocols/qec/toric_rule.h; the toric code);
/// - an idle round (the "no LEC" baseline) waits as long as a both_ends round would, doing nothing;
/// - the readout round measures the ancillas: one DETECTOR per check, the raw syndrome bit (the decoder compares
///   consecutive readouts itself).
/// Noise: gate_bitflip and gate_depolarizing as in quantum::add_gate_noise (gates, resets; measurements flip with
/// q); phenomenological: every round starts with X_ERROR(p) on the data, gates are perfect and measurements flip
/// with q. The device adds idle noise for the time each qubit waits (hardware/quantum/device.h).

#include <cstdint>
#include <string>
#include <vector>

#include "hardware/quantum/device.h"
#include "models/quantum/codes/css_code.h"
#include "models/quantum/noise.h"
#include "protocols/qec/toric_rule.h"

namespace qdes::qec {

enum class LecKind { kNone, kBothEnds, kRule };
/// "none", "both_ends", "rule"; std::invalid_argument otherwise.
LecKind parse_lec_kind(const std::string& name);

struct ReadoutCycleOptions {
    std::uint32_t readout_every = 1;  ///< R >= 1: rounds per cycle, the last one read out
    LecKind lec = LecKind::kBothEnds;
    quantum::NoiseModel noise;        ///< its `idle` must be 0: idle noise comes from the device
    bool readout = true;              ///< false: no readout at all, the cycle is one LEC (or idle) round
    const ToricLecRule* rule = nullptr;  ///< lec kRule: a user rule (toric code only; must outlive the call)
};

/// Where each data qubit sits in the checks: the checks it is in (one or two) and the CX layer in which each of
/// them reads it, ordered so that `check[0]` reads it first.
struct QubitChecks {
    std::uint32_t count = 0;          ///< 1 or 2 (0: in no check)
    std::uint32_t check[2] = {0, 0};
    std::uint32_t layer[2] = {0, 0};
};

struct ReadoutCycle {
    hw::TimedCircuit timed;           ///< one cycle, ending with a TICK; run again and again on the same frames
    std::uint32_t num_data = 0, num_checks = 0;
    std::vector<QubitChecks> qubits;  ///< per data qubit
    std::vector<std::uint64_t> logical_masks;  ///< per data qubit: bit k when it is in z_logicals[k]
    TimePs lec_round_ps = 0;          ///< one LEC (or idle) round
    TimePs readout_round_ps = 0;
    std::uint32_t rounds = 1;         ///< R
};

/// Builds one cycle. Throws std::invalid_argument for a code that is not graphlike for X errors, an unknown noise
/// kind, R = 0, or a check schedule that would use a qubit twice in one layer.
ReadoutCycle readout_cycle(const quantum::CssCode& code, const ReadoutCycleOptions& options,
                           const hw::QuantumDevice& device);

}  // namespace qdes::qec
