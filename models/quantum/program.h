#pragma once
/// A circuit compiled for the frame simulator: a flat list of operations with loops, the reference values of
/// every CCX/CCZ/MCX control, and the sizes the simulator allocates.

#include <cstdint>
#include <string>
#include <vector>

#include "models/quantum/circuit.h"

namespace qdes::quantum {

enum class OpCode : std::uint8_t {
    kH, kS, kCX, kCZ, kSwap,   // Clifford (Paulis and I leave a Pauli frame unchanged and are dropped)
    kCCX, kCCZ, kMCX,          // classically controlled: targets (c1, c2, t) groups, or MCX (c..., t)
    kR, kRX, kM, kMX, kMR, kMRX,
    kXError, kYError, kZError, kDepolarize1, kDepolarize2, kDepolarize3,
    kTick, kDetector, kObservable,
    kLoopBegin, kLoopEnd,
};

struct Op {
    OpCode code;
    std::uint32_t begin = 0, end = 0;  ///< range of Program::targets (qubits, or lookbacks k of rec[-k])
    double p = 0;                      ///< noise or measurement-flip probability
    std::uint64_t aux = 0;             ///< loop: count (begin) or first body op (end); CCX/CCZ/MCX: offset into
                                       ///< Program::control_values; observable: index
    std::uint32_t jump = 0;            ///< loop begin: index of its loop end
    int line = 0;
};

struct Program {
    std::string source;
    std::uint32_t num_qubits = 0;
    std::uint64_t num_measurements = 0;
    std::uint64_t num_detectors = 0;
    std::uint32_t num_observables = 0;
    std::uint64_t num_layers = 0;           ///< TICKs executed, loops unrolled, plus one for the final layer
    std::uint64_t gate_applications = 0;    ///< per shot, loops unrolled (noise and annotations excluded)
    std::uint32_t max_lookback = 0;         ///< largest k in any rec[-k]
    bool has_controlled_gates = false;
    std::vector<Op> ops;
    std::vector<std::uint32_t> targets;
    std::vector<std::uint8_t> control_values;  ///< the noiseless value of each control, per gate
};

/// Compiles a circuit. When it holds CCX, CCZ or MCX, runs the noiseless circuit once on a stabilizer tableau and
/// refuses (CircuitError naming the line, the gate and the qubit) any such gate whose controls do not hold a
/// definite computational-basis value. A CCZ whose first two qubits are not both definite is turned around to use
/// a definite pair as controls. Also refuses a rec[-k] that reaches before the first measurement.
Program compile(const Circuit& circuit);

}  // namespace qdes::quantum
