#include "models/quantum/program.h"

#include <map>
#include <stdexcept>
#include <optional>

#include "models/quantum/tableau.h"

namespace qdes::quantum {

namespace {

struct Place {
    std::uint32_t block;
    std::uint32_t index;
    auto operator<=>(const Place&) const = default;
};

/// What the reference pass learnt about one CCX/CCZ/MCX instruction: per gate, its controls (in the order the
/// simulator uses) and their noiseless values.
struct ControlInfo {
    std::vector<std::uint32_t> ordered_targets;
    std::vector<std::uint8_t> values;
};

std::string instruction_text(const Instruction& in) {
    std::string s = gate_info(in.gate).name;
    for (const Target& t : in.targets) s += " " + std::to_string(t.value);
    return s;
}

/// The noiseless state of a circuit without H, S, S_DAG, RX, MX or MRX: every qubit always holds a definite
/// value, so a bit per qubit is the whole state (CZ and CCZ only add phases). Toom-style LEC circuits on
/// classical memories are like this, and this costs O(1) per gate where the tableau costs O(n).
class ClassicalState {
  public:
    explicit ClassicalState(std::uint32_t n) : v_(n, 0) {}
    void x(std::uint32_t q) { v_[q] ^= 1; }
    void y(std::uint32_t q) { v_[q] ^= 1; }
    void z(std::uint32_t) {}
    void h(std::uint32_t) { unreachable(); }
    void s(std::uint32_t) { unreachable(); }
    void s_dag(std::uint32_t) { unreachable(); }
    void cx(std::uint32_t c, std::uint32_t t) { v_[t] ^= v_[c]; }
    void cz(std::uint32_t, std::uint32_t) {}
    void swap(std::uint32_t a, std::uint32_t b) { std::swap(v_[a], v_[b]); }
    bool is_deterministic(std::uint32_t) const { return true; }
    bool peek(std::uint32_t q) const { return v_[q]; }
    bool measure(std::uint32_t q) const { return v_[q]; }
    void reset(std::uint32_t q) { v_[q] = 0; }
    bool operator==(const ClassicalState&) const = default;

  private:
    [[noreturn]] static void unreachable() { throw std::logic_error("a basis-changing gate in a classical circuit"); }
    std::vector<std::uint8_t> v_;
};

bool is_classical(const Circuit& c) {
    for (const auto& block : c.blocks)
        for (const auto& in : block)
            switch (in.gate) {
                case Gate::kH:
                case Gate::kS:
                case Gate::kSDag:
                case Gate::kRX:
                case Gate::kMX:
                case Gate::kMRX: return false;
                default: break;
            }
    return true;
}

template <class State>
class ReferencePass {
  public:
    explicit ReferencePass(const Circuit& c) : circuit_(c), tableau_(c.num_qubits()) {}

    std::map<Place, ControlInfo> run() {
        run_block(0);
        return std::move(info_);
    }

  private:
    std::string where() const {
        std::string s;
        for (auto it = loops_.rbegin(); it != loops_.rend(); ++it)
            s += ", in iteration " + std::to_string(it->second + 1) + " of the REPEAT at line " +
                 std::to_string(it->first);
        return s;
    }

    void run_block(std::uint32_t b) {
        const auto& block = circuit_.blocks[b];
        for (std::uint32_t i = 0; i < block.size(); ++i) {
            const Instruction& in = block[i];
            if (in.gate == Gate::kRepeat) {
                State before = tableau_;
                loops_.emplace_back(in.line, 0);
                for (std::uint64_t it = 0; it < in.repeat_count; ++it) {
                    loops_.back().second = it;
                    run_block(in.block);
                    // A fixed point: every later iteration sees the same state, so the same control values.
                    if (tableau_ == before) break;
                    before = tableau_;
                }
                loops_.pop_back();
                continue;
            }
            apply(in, Place{b, i});
        }
    }

    void apply(const Instruction& in, Place place) {
        State& t = tableau_;
        auto each = [&](auto f) {
            for (const Target& tg : in.targets) f(tg.value);
        };
        auto pairs = [&](auto f) {
            for (std::size_t k = 0; k + 1 < in.targets.size(); k += 2) f(in.targets[k].value, in.targets[k + 1].value);
        };
        switch (in.gate) {
            case Gate::kX: each([&](auto q) { t.x(q); }); break;
            case Gate::kY: each([&](auto q) { t.y(q); }); break;
            case Gate::kZ: each([&](auto q) { t.z(q); }); break;
            case Gate::kH: each([&](auto q) { t.h(q); }); break;
            case Gate::kS: each([&](auto q) { t.s(q); }); break;
            case Gate::kSDag: each([&](auto q) { t.s_dag(q); }); break;
            case Gate::kCX: pairs([&](auto a, auto b) { t.cx(a, b); }); break;
            case Gate::kCZ: pairs([&](auto a, auto b) { t.cz(a, b); }); break;
            case Gate::kSwap: pairs([&](auto a, auto b) { t.swap(a, b); }); break;
            case Gate::kR: each([&](auto q) { t.reset(q); }); break;
            case Gate::kRX: each([&](auto q) { t.reset(q); t.h(q); }); break;
            case Gate::kM: each([&](auto q) { t.measure(q); }); break;
            case Gate::kMX: each([&](auto q) { t.h(q); t.measure(q); t.h(q); }); break;
            case Gate::kMR: each([&](auto q) { t.reset(q); }); break;
            case Gate::kMRX: each([&](auto q) { t.h(q); t.reset(q); t.h(q); }); break;
            case Gate::kCCX:
            case Gate::kCCZ:
            case Gate::kMCX: controlled(in, place); break;
            default: break;  // I, noise and annotations leave the noiseless state unchanged
        }
    }

    void controlled(const Instruction& in, Place place) {
        std::size_t group = in.gate == Gate::kMCX ? in.targets.size() : 3;
        ControlInfo now;
        for (std::size_t g = 0; g < in.targets.size(); g += group) {
            std::vector<std::uint32_t> q;
            for (std::size_t k = g; k < g + group; ++k) q.push_back(in.targets[k].value);
            if (in.gate == Gate::kCCZ && !(tableau_.is_deterministic(q[0]) && tableau_.is_deterministic(q[1]))) {
                // CCZ is symmetric: any two definite qubits can serve as the controls.
                if (tableau_.is_deterministic(q[0]) && tableau_.is_deterministic(q[2]))
                    std::swap(q[1], q[2]);
                else if (tableau_.is_deterministic(q[1]) && tableau_.is_deterministic(q[2]))
                    std::swap(q[0], q[2]);
            }
            bool fire = true;
            for (std::size_t k = 0; k + 1 < q.size(); ++k) {
                if (!tableau_.is_deterministic(q[k])) {
                    std::string what = in.gate == Gate::kCCZ ? "CCZ needs two of its three qubits"
                                                              : std::string(gate_info(in.gate).name) +
                                                                    " needs every control";
                    throw CircuitError(
                        circuit_.source, in.line,
                        std::string(gate_info(in.gate).name) + ": qubit " + std::to_string(q[k]) +
                            " does not hold a definite computational-basis value here" + where() +
                            " (it is in superposition in the noiseless circuit). " + what +
                            " to be classical for the gate to be exact in the Pauli-frame picture, so the circuit is "
                            "refused. Gate: '" + instruction_text(in) + "'");
                }
                bool v = tableau_.peek(q[k]);
                now.values.push_back(v);
                fire = fire && v;
            }
            std::uint32_t target = q.back();
            if (fire) {
                if (in.gate == Gate::kCCZ)
                    tableau_.z(target);
                else
                    tableau_.x(target);
            }
            now.ordered_targets.insert(now.ordered_targets.end(), q.begin(), q.end());
        }
        auto [it, inserted] = info_.emplace(place, now);
        if (!inserted && (it->second.values != now.values || it->second.ordered_targets != now.ordered_targets))
            throw CircuitError(circuit_.source, in.line,
                               std::string(gate_info(in.gate).name) +
                                   ": the noiseless values of the controls differ between iterations of the "
                                   "enclosing REPEAT" + where() +
                                   "; qdes keeps one set of control values per gate, so unroll this loop (write its "
                                   "first iterations out) to run it. Gate: '" + instruction_text(in) + "'");
    }

    const Circuit& circuit_;
    State tableau_;
    std::map<Place, ControlInfo> info_;
    std::vector<std::pair<int, std::uint64_t>> loops_;  ///< (line of REPEAT, iteration)
};

class Emitter {
  public:
    Emitter(const Circuit& c, Program& p, const std::map<Place, ControlInfo>& info)
        : circuit_(c), program_(p), info_(info) {}

    /// Returns the number of measurements one pass over the block makes; checks every rec[-k] against the
    /// measurements made before it (the first iteration of a loop has the fewest).
    std::uint64_t emit_block(std::uint32_t b, std::uint64_t measured_before) {
        std::uint64_t m = measured_before;
        const auto& block = circuit_.blocks[b];
        for (std::uint32_t i = 0; i < block.size(); ++i) {
            const Instruction& in = block[i];
            const GateKind kind = gate_info(in.gate).kind;
            if (in.gate == Gate::kRepeat) {
                std::size_t begin = program_.ops.size();
                program_.ops.push_back(Op{OpCode::kLoopBegin, 0, 0, 0, in.repeat_count, 0, in.line});
                std::uint64_t per = emit_block(in.block, m) - m;
                program_.ops.push_back(Op{OpCode::kLoopEnd, 0, 0, 0, begin + 1, 0, in.line});
                program_.ops[begin].jump = std::uint32_t(program_.ops.size() - 1);
                m += per * in.repeat_count;
                continue;
            }
            if (in.gate == Gate::kDetector || in.gate == Gate::kObservableInclude) {
                for (const Target& t : in.targets) {
                    if (t.value > m)
                        throw CircuitError(circuit_.source, in.line,
                                           std::string(gate_info(in.gate).name) + ": rec[-" + std::to_string(t.value) +
                                               "] reaches before the first measurement (only " + std::to_string(m) +
                                               " measurements precede it)");
                    program_.max_lookback = std::max(program_.max_lookback, t.value);
                }
            }
            if (kind == GateKind::kMeasure) m += in.targets.size();
            std::optional<OpCode> code = code_of(in.gate);
            if (!code) continue;
            Op op{*code, std::uint32_t(program_.targets.size()), 0, 0, 0, 0, in.line};
            if (kind == GateKind::kControlled) {
                const ControlInfo& ci = info_.at(Place{b, i});
                op.aux = program_.control_values.size();
                program_.control_values.insert(program_.control_values.end(), ci.values.begin(), ci.values.end());
                program_.targets.insert(program_.targets.end(), ci.ordered_targets.begin(), ci.ordered_targets.end());
            } else {
                for (const Target& t : in.targets) program_.targets.push_back(t.value);
            }
            op.end = std::uint32_t(program_.targets.size());
            if (!in.args.empty() && (kind == GateKind::kNoise1 || kind == GateKind::kNoise2 || kind == GateKind::kNoise3 ||
                                     kind == GateKind::kMeasure))
                op.p = in.args[0];
            if (in.gate == Gate::kObservableInclude) op.aux = std::uint64_t(in.args[0]);
            // Noise with probability 0 and measurement-flip arguments of 0 cost nothing.
            if ((kind == GateKind::kNoise1 || kind == GateKind::kNoise2 || kind == GateKind::kNoise3) && op.p == 0) {
                program_.targets.resize(op.begin);
                continue;
            }
            program_.ops.push_back(op);
        }
        return m;
    }

  private:
    static std::optional<OpCode> code_of(Gate g) {
        switch (g) {
            case Gate::kH: return OpCode::kH;
            case Gate::kS:
            case Gate::kSDag: return OpCode::kS;  // identical on a Pauli frame
            case Gate::kCX: return OpCode::kCX;
            case Gate::kCZ: return OpCode::kCZ;
            case Gate::kSwap: return OpCode::kSwap;
            case Gate::kCCX: return OpCode::kCCX;
            case Gate::kCCZ: return OpCode::kCCZ;
            case Gate::kMCX: return OpCode::kMCX;
            case Gate::kR: return OpCode::kR;
            case Gate::kRX: return OpCode::kRX;
            case Gate::kM: return OpCode::kM;
            case Gate::kMX: return OpCode::kMX;
            case Gate::kMR: return OpCode::kMR;
            case Gate::kMRX: return OpCode::kMRX;
            case Gate::kXError: return OpCode::kXError;
            case Gate::kYError: return OpCode::kYError;
            case Gate::kZError: return OpCode::kZError;
            case Gate::kDepolarize1: return OpCode::kDepolarize1;
            case Gate::kDepolarize2: return OpCode::kDepolarize2;
            case Gate::kDepolarize3: return OpCode::kDepolarize3;
            case Gate::kTick: return OpCode::kTick;
            case Gate::kDetector: return OpCode::kDetector;
            case Gate::kObservableInclude: return OpCode::kObservable;
            default: return std::nullopt;  // I X Y Z, QUBIT_COORDS, SHIFT_COORDS
        }
    }

    const Circuit& circuit_;
    Program& program_;
    const std::map<Place, ControlInfo>& info_;
};

}  // namespace

Program compile(const Circuit& circuit) {
    Program p;
    p.source = circuit.source;
    p.num_qubits = circuit.num_qubits();
    p.num_measurements = circuit.num_measurements();
    p.num_detectors = circuit.num_detectors();
    p.num_observables = circuit.num_observables();
    p.gate_applications = circuit.num_gate_applications();
    for (const auto& b : circuit.blocks)
        for (const auto& in : b)
            if (gate_info(in.gate).kind == GateKind::kControlled) p.has_controlled_gates = true;
    std::map<Place, ControlInfo> info;
    if (p.has_controlled_gates)
        info = is_classical(circuit) ? ReferencePass<ClassicalState>(circuit).run()
                                     : ReferencePass<StabilizerTableau>(circuit).run();
    Emitter(circuit, p, info).emit_block(0, 0);
    // Layers: TICKs executed (loops unrolled) plus the last layer after the final TICK.
    std::uint64_t ticks = 0;
    std::vector<std::uint64_t> mult{1};
    for (const Op& op : p.ops) {
        if (op.code == OpCode::kLoopBegin) mult.push_back(mult.back() * op.aux);
        if (op.code == OpCode::kLoopEnd) mult.pop_back();
        if (op.code == OpCode::kTick) ticks += mult.back();
    }
    p.num_layers = ticks + 1;
    return p;
}

}  // namespace qdes::quantum
