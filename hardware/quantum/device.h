#pragma once
/// Quantum device timing: how long each kind of operation takes, and the idle error a qubit picks up while it
/// waits (amplitude and phase damping from T1 and T2, Pauli-twirled). A memory circuit is laid out in layers
/// (the operations between two TICKs, which run in parallel); each layer lasts as long as its slowest operation,
/// and every qubit idles for the rest of it.
///
/// Pauli twirl of amplitude damping (T1) and pure dephasing (T2) over a time t (Ghosh, Fowler and Geller, "Surface
/// code with decoherence: an analysis of three superconducting architectures", Phys. Rev. A 86, 062318 (2012)):
///   p_x = p_y = (1 - exp(-t / T1)) / 4,   p_z = (1 - exp(-t / T2)) / 2 - (1 - exp(-t / T1)) / 4.
/// The memories that use this store a Z-basis logical state, and their circuits (CX from data to ancillas, CCX
/// with data targets, Z-basis measurements) never turn a Z error into a flipped measurement; so the idle channel
/// is applied as its X part, a bit flip with probability p_x + p_y, which gives exactly the same outcomes.

#include <cstdint>
#include <string>
#include <vector>

#include "models/quantum/circuit.h"
#include "sim/params.h"
#include "sim/time.h"

namespace qdes::hw {

struct PauliProbabilities {
    double x = 0, y = 0, z = 0;
};

struct QuantumDevice {
    std::string name;
    TimePs gate_1q_ps = 0;   ///< H, S, X, ...
    TimePs gate_2q_ps = 0;   ///< CX, CZ, SWAP
    TimePs gate_3q_ps = 0;   ///< CCX, CCZ, MCX (compiled on hardware that has no native three-qubit gate)
    TimePs measure_ps = 0;   ///< M, MX (MR: measure, then reset)
    TimePs reset_ps = 0;     ///< R, RX
    TimePs t1_ps = 0;        ///< 0: no amplitude damping
    TimePs t2_ps = 0;        ///< 0: no dephasing

    /// The twirled idle channel for `t` picoseconds.
    PauliProbabilities idle_error(TimePs t) const;
    /// Probability that idling for `t` flips a Z-basis value (p_x + p_y).
    double idle_flip(TimePs t) const;
    /// How long one application of `g` takes (0 for noise and annotations).
    TimePs duration_of(quantum::Gate g) const;
    /// Throws std::invalid_argument naming the parameter when T2 > 2 T1 (no physical channel) or a time is missing.
    void check() const;
};

/// The built-in example devices (docs/devices.md gives their sources) and "ideal" (no idle noise, unit durations).
QuantumDevice example_device(const std::string& name);
std::vector<std::string> example_device_names();

/// Adds the device parameters to a component's schema: `device` (an example device) and optional overrides
/// `t1`, `t2`, `gate_1q`, `gate_2q`, `gate_3q`, `measure`, `reset` (durations with units).
void add_device_params(ParamSchema& schema);
QuantumDevice device_from(const ParamValues& p);

/// A circuit laid out in time.
struct TimedCircuit {
    quantum::Circuit circuit;           ///< with idle noise added before each TICK (and at the end)
    std::vector<TimePs> layer_ps;       ///< duration of each layer
    TimePs total_ps = 0;
};

/// Lays `circuit` (flat: no REPEAT) out in layers and adds X_ERROR idle noise for each qubit of [0, num_qubits)
/// for the part of each layer it is not busy. `min_layer_ps[k]`, when given and larger, stretches layer k (a wait).
TimedCircuit add_idle_noise(const quantum::Circuit& circuit, const QuantumDevice& device, std::uint32_t num_qubits,
                            const std::vector<TimePs>& min_layer_ps = {});

}  // namespace qdes::hw
