#pragma once
/// The detector error model of a circuit: every noise channel's Pauli faults propagated to the detectors and
/// observables they flip, equal fault sets merged (docs/dem_format.md).
///
/// The circuit runs backwards once, as in Stim's error analyzer (Gidney, "Stim: a fast stabilizer circuit
/// simulator", Quantum 5, 497 (2021)): each qubit carries the set of detectors and observables that an X error, and
/// that a Z error, at the current point would flip. A measurement adds the detectors that read its result to its
/// qubit's X set (Z set in the X basis); a reset clears both; a gate maps the sets as it conjugates the Paulis; a
/// noise channel reads them off. Each channel becomes independent mechanisms as Stim's analysis does it:
/// X_ERROR, Y_ERROR, Z_ERROR and a measurement's flip probability as they are; DEPOLARIZE1(p) as X, Y and Z each
/// with q = (1 - (1 - 4p/3)^(1/2)) / 2; DEPOLARIZE2(p) as its 15 Paulis each with (1 - (1 - 16p/15)^(1/8)) / 2;
/// DEPOLARIZE3(p) as its 63 with (1 - (1 - 64p/63)^(1/32)) / 2 (each channel's composition is then exactly the
/// depolarizing channel).
///
/// CCX, CCZ and MCX have classical controls (the compiler checks it) with known noiseless values, but a single
/// fault can reach several controls of one gate (LEC copies a data error onto two ancillas, and the CCX they control
/// corrects it), which no backward pass can see. A circuit with such gates is therefore analysed forward as well:
/// the backward pass checks its detectors, then every single fault runs forward in its own column of a Pauli frame
/// through the frame simulator's kernels, 1024 at a time, and its symptom is what the simulator would see. The model
/// is so exact for every single fault; two faults in one shot that meet at a gate's controls act together in the
/// simulator, not as the XOR of their symptoms. The cost is the circuit's length times faults / 1024.

/// A detector or observable whose noiseless value is random (it anticommutes with a reset, a measurement or the
/// initial |0> state) is refused, naming it and the line.

#include "models/quantum/circuit.h"
#include "models/quantum/dem.h"
#include "models/quantum/program.h"

namespace qdes::quantum {

struct ErrorAnalysisOptions {
    /// Split every error that flips more than two detectors into graphlike parts (`^`, as Stim's
    /// decompose_errors): first into the symptoms of its X and its Z component, then any part still larger into
    /// one- and two-detector symptoms that single errors of the model have, with matching observables. An error
    /// that cannot be split so is refused (CircuitError naming its line and its detectors).
    bool decompose = false;
};

/// The model of a compiled circuit, merged and sorted (merge_equal_errors). Lines are the circuit's.
DetectorErrorModel analyze_errors(const Program& program, const ErrorAnalysisOptions& options = {});
/// The same, compiling the circuit first, with the detectors' coordinates (DETECTOR arguments plus SHIFT_COORDS).
DetectorErrorModel analyze_errors(const Circuit& circuit, const ErrorAnalysisOptions& options = {});

/// Each detector's coordinates (empty when its DETECTOR has none), loops unrolled, SHIFT_COORDS applied.
std::vector<std::vector<double>> detector_coordinates(const Circuit& circuit);

}  // namespace qdes::quantum
