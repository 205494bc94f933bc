#pragma once
/// Quantum circuits in Stim's text format: the instruction set a memory experiment uses, plus `CCX`, `CCZ` and
/// the multi-controlled `MCX` that measurement-free local error correction needs (docs/circuit_format.md).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace qdes::quantum {

enum class GateKind : std::uint8_t {
    kUnitary1,      ///< one qubit per target: I X Y Z H S S_DAG
    kUnitary2,      ///< targets in pairs: CX CZ SWAP
    kControlled,    ///< CCX CCZ (groups of three), MCX (one gate: controls then target)
    kReset,         ///< R RX
    kMeasure,       ///< M MX MR MRX, with an optional flip probability
    kNoise1,        ///< X_ERROR Y_ERROR Z_ERROR DEPOLARIZE1
    kNoise2,        ///< DEPOLARIZE2 (targets in pairs)
    kNoise3,        ///< DEPOLARIZE3 (targets in triples; a qdes extension)
    kAnnotation,    ///< TICK DETECTOR OBSERVABLE_INCLUDE QUBIT_COORDS SHIFT_COORDS
    kBlock,         ///< REPEAT
};

enum class Gate : std::uint8_t {
    kI, kX, kY, kZ, kH, kS, kSDag,
    kCX, kCZ, kSwap,
    kCCX, kCCZ, kMCX,
    kR, kRX,
    kM, kMX, kMR, kMRX,
    kXError, kYError, kZError, kDepolarize1,
    kDepolarize2, kDepolarize3,
    kTick, kDetector, kObservableInclude, kQubitCoords, kShiftCoords,
    kRepeat,
};

struct GateInfo {
    Gate gate;
    const char* name;  ///< canonical (Stim's) name
    GateKind kind;
    int min_args;      ///< numbers in parentheses
    int max_args;      ///< -1: any number
};

const GateInfo& gate_info(Gate g);
/// Looks a name up case-insensitively, with Stim's aliases (CNOT, ZCX, ZCZ, MZ, RZ, MRZ). Null when unknown.
const GateInfo* find_gate(std::string_view name);
/// Every accepted name, for "did you mean".
std::vector<std::string> gate_names();

/// A target: a qubit, possibly inverted (`!3`, measurements only), or a measurement-record lookback (`rec[-k]`).
struct Target {
    std::uint32_t value = 0;  ///< qubit index, or k of rec[-k]
    bool record = false;
    bool inverted = false;
    friend bool operator==(const Target&, const Target&) = default;
};

struct Instruction {
    Gate gate;
    std::vector<double> args;
    std::vector<Target> targets;
    std::uint64_t repeat_count = 0;  ///< REPEAT only
    std::uint32_t block = 0;         ///< REPEAT only: index into Circuit::blocks
    int line = 0;                    ///< 1-based source line; 0 for generated instructions
};

/// Instructions in order; REPEAT bodies are separate blocks, block 0 is the top level.
struct Circuit {
    std::string source = "<circuit>";  ///< file name for messages
    std::vector<std::vector<Instruction>> blocks{{}};

    std::vector<Instruction>& top() { return blocks[0]; }
    const std::vector<Instruction>& top() const { return blocks[0]; }

    std::uint32_t num_qubits() const;  ///< one more than the largest qubit index used
    std::uint64_t num_measurements() const;
    std::uint64_t num_detectors() const;
    std::uint32_t num_observables() const;
    /// Every gate application (one per target, pair or group; noise and annotations excluded), loops unrolled.
    std::uint64_t num_gate_applications() const;

    /// Stim text; `parse_circuit(to_text())` gives the same circuit.
    std::string to_text() const;
};

/// A malformed or unsupported circuit: `file:line: message`.
class CircuitError : public std::runtime_error {
  public:
    CircuitError(const std::string& file, int line, const std::string& message);
    const std::string& file() const { return file_; }
    int line() const { return line_; }

  private:
    std::string file_;
    int line_;
};

Circuit parse_circuit(std::string_view text, std::string source = "<circuit>");
/// Reads and parses a file; CircuitError names the file when it cannot be read.
Circuit read_circuit_file(const std::string& path);

/// Appends one instruction to `blocks[block]`, checking arity and arguments as the parser does.
class CircuitBuilder {
  public:
    explicit CircuitBuilder(Circuit& c, std::uint32_t block = 0) : circuit_(c), block_(block) {}
    CircuitBuilder& add(Gate g, std::vector<std::uint32_t> qubits, std::vector<double> args = {});
    CircuitBuilder& detector(const std::vector<std::uint32_t>& lookbacks, std::vector<double> coords = {});
    CircuitBuilder& observable(std::uint32_t index, const std::vector<std::uint32_t>& lookbacks);
    CircuitBuilder& tick() { return add(Gate::kTick, {}); }
    /// Starts a REPEAT block and returns a builder for its body.
    CircuitBuilder repeat(std::uint64_t count);

  private:
    Circuit& circuit_;
    std::uint32_t block_;
};

/// Checks one instruction's targets and arguments; the message names what is wrong.
void check_instruction(const Instruction& in, const std::string& file);

}  // namespace qdes::quantum
