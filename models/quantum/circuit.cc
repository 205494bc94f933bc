#include "models/quantum/circuit.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "sim/diagnostics.h"
#include "sim/text.h"

namespace qdes::quantum {

namespace {

constexpr std::array<GateInfo, 31> kGates{{
    {Gate::kI, "I", GateKind::kUnitary1, 0, 0},
    {Gate::kX, "X", GateKind::kUnitary1, 0, 0},
    {Gate::kY, "Y", GateKind::kUnitary1, 0, 0},
    {Gate::kZ, "Z", GateKind::kUnitary1, 0, 0},
    {Gate::kH, "H", GateKind::kUnitary1, 0, 0},
    {Gate::kS, "S", GateKind::kUnitary1, 0, 0},
    {Gate::kSDag, "S_DAG", GateKind::kUnitary1, 0, 0},
    {Gate::kCX, "CX", GateKind::kUnitary2, 0, 0},
    {Gate::kCZ, "CZ", GateKind::kUnitary2, 0, 0},
    {Gate::kSwap, "SWAP", GateKind::kUnitary2, 0, 0},
    {Gate::kCCX, "CCX", GateKind::kControlled, 0, 0},
    {Gate::kCCZ, "CCZ", GateKind::kControlled, 0, 0},
    {Gate::kMCX, "MCX", GateKind::kControlled, 0, 0},
    {Gate::kR, "R", GateKind::kReset, 0, 0},
    {Gate::kRX, "RX", GateKind::kReset, 0, 0},
    {Gate::kM, "M", GateKind::kMeasure, 0, 1},
    {Gate::kMX, "MX", GateKind::kMeasure, 0, 1},
    {Gate::kMR, "MR", GateKind::kMeasure, 0, 1},
    {Gate::kMRX, "MRX", GateKind::kMeasure, 0, 1},
    {Gate::kXError, "X_ERROR", GateKind::kNoise1, 1, 1},
    {Gate::kYError, "Y_ERROR", GateKind::kNoise1, 1, 1},
    {Gate::kZError, "Z_ERROR", GateKind::kNoise1, 1, 1},
    {Gate::kDepolarize1, "DEPOLARIZE1", GateKind::kNoise1, 1, 1},
    {Gate::kDepolarize2, "DEPOLARIZE2", GateKind::kNoise2, 1, 1},
    {Gate::kDepolarize3, "DEPOLARIZE3", GateKind::kNoise3, 1, 1},
    {Gate::kTick, "TICK", GateKind::kAnnotation, 0, 0},
    {Gate::kDetector, "DETECTOR", GateKind::kAnnotation, 0, -1},
    {Gate::kObservableInclude, "OBSERVABLE_INCLUDE", GateKind::kAnnotation, 1, 1},
    {Gate::kQubitCoords, "QUBIT_COORDS", GateKind::kAnnotation, 0, -1},
    {Gate::kShiftCoords, "SHIFT_COORDS", GateKind::kAnnotation, 0, -1},
    {Gate::kRepeat, "REPEAT", GateKind::kBlock, 0, 0},
}};

constexpr bool table_in_enum_order() {
    for (std::size_t i = 0; i < kGates.size(); ++i)
        if (static_cast<std::size_t>(kGates[i].gate) != i) return false;
    return true;
}
static_assert(table_in_enum_order(), "kGates must list the gates in the order of enum Gate");

struct Alias {
    const char* name;
    Gate gate;
};
constexpr std::array<Alias, 7> kAliases{{{"CNOT", Gate::kCX},
                                         {"ZCX", Gate::kCX},
                                         {"ZCZ", Gate::kCZ},
                                         {"MZ", Gate::kM},
                                         {"RZ", Gate::kR},
                                         {"MRZ", Gate::kMR},
                                         {"TOFFOLI", Gate::kCCX}}};

/// Stim instructions this engine does not run, so that the message can say so rather than "unknown".
constexpr std::array<const char*, 24> kKnownUnsupported{
    "MPP",          "MXX",          "MYY",         "MZZ",          "MY",           "MRY",
    "RY",           "PAULI_CHANNEL_1", "PAULI_CHANNEL_2", "E",     "ELSE_CORRELATED_ERROR", "CORRELATED_ERROR",
    "HERALDED_ERASE", "HERALDED_PAULI_CHANNEL_1", "SQRT_X", "SQRT_Y", "SQRT_X_DAG", "SQRT_Y_DAG",
    "CY",           "XCX",          "XCZ",         "YCX",          "MPAD",         "ISWAP"};

}  // namespace

const GateInfo& gate_info(Gate g) { return kGates[static_cast<std::size_t>(g)]; }

const GateInfo* find_gate(std::string_view name) {
    std::string u = to_upper(name);
    for (const GateInfo& g : kGates)
        if (u == g.name) return &g;
    for (const Alias& a : kAliases)
        if (u == a.name) return &gate_info(a.gate);
    return nullptr;
}

std::vector<std::string> gate_names() {
    std::vector<std::string> out;
    for (const GateInfo& g : kGates) out.push_back(g.name);
    for (const Alias& a : kAliases) out.push_back(a.name);
    return out;
}

CircuitError::CircuitError(const std::string& file, int line, const std::string& message)
    : std::runtime_error(line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message),
      file_(file),
      line_(line) {}

void check_instruction(const Instruction& in, const std::string& file) {
    const GateInfo& info = gate_info(in.gate);
    auto fail = [&](const std::string& m) { throw CircuitError(file, in.line, std::string(info.name) + ": " + m); };
    int nargs = int(in.args.size());
    if (nargs < info.min_args || (info.max_args >= 0 && nargs > info.max_args)) {
        if (info.min_args == info.max_args)
            fail("takes " + std::to_string(info.min_args) + " parenthesised argument" +
                 (info.min_args == 1 ? "" : "s") + ", got " + std::to_string(nargs));
        fail("takes at most " + std::to_string(info.max_args) + " parenthesised argument, got " +
             std::to_string(nargs));
    }
    for (double a : in.args)
        if (!std::isfinite(a)) fail("argument is not a finite number");
    if (info.kind == GateKind::kNoise1 || info.kind == GateKind::kNoise2 || info.kind == GateKind::kNoise3 ||
        info.kind == GateKind::kMeasure) {
        for (double a : in.args)
            if (a < 0 || a > 1) fail("probability " + shortest_number(a) + " is outside [0, 1]");
    }
    if (in.gate == Gate::kObservableInclude) {
        double a = in.args[0];
        if (a < 0 || a != std::floor(a) || a > 1e6) fail("observable index must be a whole number in [0, 1000000]");
    }
    bool wants_records = in.gate == Gate::kDetector || in.gate == Gate::kObservableInclude;
    for (const Target& t : in.targets) {
        if (t.record && !wants_records) fail("takes qubit targets, not rec[-" + std::to_string(t.value) + "]");
        if (!t.record && wants_records) fail("takes rec[-k] targets, not qubit " + std::to_string(t.value));
        if (t.inverted && info.kind != GateKind::kMeasure) fail("only measurements take inverted targets (!q)");
    }
    std::size_t n = in.targets.size();
    switch (info.kind) {
        case GateKind::kUnitary2:
        case GateKind::kNoise2:
            if (n % 2 != 0) fail("takes qubits in pairs, got " + std::to_string(n) + " targets");
            for (std::size_t i = 0; i < n; i += 2)
                if (in.targets[i].value == in.targets[i + 1].value)
                    fail("pair acts twice on qubit " + std::to_string(in.targets[i].value));
            break;
        case GateKind::kNoise3:
            if (n % 3 != 0) fail("takes qubits in groups of three, got " + std::to_string(n) + " targets");
            break;
        case GateKind::kControlled:
            if (in.gate == Gate::kMCX) {
                if (n < 2) fail("takes its controls then its target (at least 2 qubits), got " + std::to_string(n));
            } else if (n % 3 != 0) {
                fail("takes qubits in groups of three (control, control, target), got " + std::to_string(n) +
                     " targets");
            }
            {
                std::size_t group = in.gate == Gate::kMCX ? n : 3;
                for (std::size_t g = 0; g < n; g += group) {
                    std::vector<std::uint32_t> q;
                    for (std::size_t i = g; i < g + group; ++i) q.push_back(in.targets[i].value);
                    std::sort(q.begin(), q.end());
                    auto dup = std::adjacent_find(q.begin(), q.end());
                    if (dup != q.end()) fail("gate acts twice on qubit " + std::to_string(*dup));
                }
            }
            break;
        case GateKind::kAnnotation:
            if (in.gate == Gate::kTick || in.gate == Gate::kShiftCoords) {
                if (n != 0) fail("takes no targets");
            }
            if (in.gate == Gate::kQubitCoords && n == 0) fail("needs at least one qubit");
            break;
        default:
            break;
    }
    if (in.gate == Gate::kRepeat && in.repeat_count == 0) fail("repeat count must be at least 1");
}

Circuit parse_circuit(std::string_view text, std::string source) {
    Circuit c;
    c.source = std::move(source);
    // Stack of (block index, line of the REPEAT that opened it).
    std::vector<std::pair<std::uint32_t, int>> stack{{0, 0}};
    int line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view raw = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++line_no;
        if (std::size_t hash = raw.find('#'); hash != std::string_view::npos) raw = raw.substr(0, hash);
        std::string line = trim(raw);
        if (line.empty()) {
            if (nl == text.size()) break;
            continue;
        }
        auto fail = [&](const std::string& m) { throw CircuitError(c.source, line_no, m); };
        if (line == "}") {
            if (stack.size() == 1) fail("'}' without a matching 'REPEAT N {'");
            stack.pop_back();
            continue;
        }
        // Name: letters, digits, underscores; then optional [tag], optional (args), then targets.
        std::size_t i = 0;
        while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_')) ++i;
        std::string name = line.substr(0, i);
        if (name.empty()) fail("expected an instruction name, got '" + line + "'");
        const GateInfo* info = find_gate(name);
        if (!info) {
            std::string u = to_upper(name);
            for (const char* k : kKnownUnsupported)
                if (u == k)
                    fail("instruction " + u +
                         " is valid Stim but not supported by qdes (supported: R RX M MX MR MRX I X Y Z H S S_DAG CX "
                         "CZ SWAP CCX CCZ MCX X_ERROR Y_ERROR Z_ERROR DEPOLARIZE1 DEPOLARIZE2 DEPOLARIZE3 TICK REPEAT DETECTOR "
                         "OBSERVABLE_INCLUDE QUBIT_COORDS SHIFT_COORDS)");
            fail("unknown instruction '" + name + "'" + did_you_mean(u, gate_names()));
        }
        Instruction in;
        in.gate = info->gate;
        in.line = line_no;
        if (i < line.size() && line[i] == '[') {  // Stim tag: kept by Stim for tools, ignored here
            std::size_t close = line.find(']', i);
            if (close == std::string::npos) fail("unterminated tag '['");
            i = close + 1;
        }
        if (i < line.size() && line[i] == '(') {
            std::size_t close = line.find(')', i);
            if (close == std::string::npos) fail("unterminated argument list '('");
            std::string inside = line.substr(i + 1, close - i - 1);
            std::stringstream ss(inside);
            std::string item;
            while (std::getline(ss, item, ',')) {
                std::string t = trim(item);
                if (t.empty()) fail(std::string(info->name) + ": empty argument in '(" + inside + ")'");
                double v = 0;
                auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
                if (ec != std::errc() || p != t.data() + t.size())
                    fail(std::string(info->name) + ": argument '" + t + "' is not a number");
                in.args.push_back(v);
            }
            i = close + 1;
        }
        std::string rest = line.substr(i);
        std::stringstream ts(rest);
        std::string tok;
        bool opens_block = false;
        while (ts >> tok) {
            if (opens_block) fail("unexpected '" + tok + "' after '{'");
            if (info->gate == Gate::kRepeat) {
                if (tok == "{") {
                    opens_block = true;
                    continue;
                }
                if (in.repeat_count != 0) fail("REPEAT takes one count, then '{'");
                std::string_view digits = tok;
                if (!digits.empty() && digits.back() == '{') {
                    digits.remove_suffix(1);
                    opens_block = true;
                }
                if (!parse_u64(digits, in.repeat_count) || in.repeat_count == 0)
                    fail("REPEAT count '" + std::string(digits) + "' is not a whole number of at least 1");
                continue;
            }
            Target t;
            std::string_view v = tok;
            if (v.size() > 5 && v.substr(0, 4) == "rec[" && v.back() == ']') {
                std::string_view inner = v.substr(4, v.size() - 5);
                std::uint64_t k = 0;
                if (inner.empty() || inner[0] != '-' || !parse_u64(inner.substr(1), k) || k == 0 || k > (1u << 30))
                    fail(std::string(info->name) + ": record target '" + tok + "' must be rec[-k] with k >= 1");
                t.record = true;
                t.value = std::uint32_t(k);
            } else {
                if (!v.empty() && v[0] == '!') {
                    t.inverted = true;
                    v.remove_prefix(1);
                }
                std::uint64_t q = 0;
                if (!parse_u64(v, q)) {
                    if (v.substr(0, 6) == "sweep[")
                        fail(std::string(info->name) + ": sweep targets are not supported by qdes");
                    if (v.size() && (v[0] == 'X' || v[0] == 'Y' || v[0] == 'Z' || v[0] == '*'))
                        fail(std::string(info->name) + ": Pauli-product targets are not supported by qdes");
                    fail(std::string(info->name) + ": target '" + tok + "' is not a qubit index or rec[-k]");
                }
                if (q >= (1u << 24)) fail(std::string(info->name) + ": qubit index " + tok + " is too large (max 16777215)");
                t.value = std::uint32_t(q);
            }
            in.targets.push_back(t);
        }
        if (info->gate == Gate::kRepeat) {
            if (in.repeat_count == 0) fail("REPEAT needs a count: 'REPEAT N {'");
            if (!opens_block) fail("REPEAT needs '{' at the end of its line");
            in.block = std::uint32_t(c.blocks.size());
            c.blocks.emplace_back();
            check_instruction(in, c.source);
            c.blocks[stack.back().first].push_back(in);
            stack.emplace_back(in.block, line_no);
            continue;
        }
        check_instruction(in, c.source);
        c.blocks[stack.back().first].push_back(std::move(in));
        if (nl == text.size()) break;
    }
    if (stack.size() > 1) throw CircuitError(c.source, stack.back().second, "REPEAT block is never closed with '}'");
    for (std::size_t b = 1; b < c.blocks.size(); ++b) {
        if (c.blocks[b].empty()) {
            for (const auto& blk : c.blocks)
                for (const auto& in : blk)
                    if (in.gate == Gate::kRepeat && in.block == b)
                        throw CircuitError(c.source, in.line, "REPEAT block is empty");
        }
    }
    return c;
}

Circuit read_circuit_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw CircuitError(path, 0, "cannot open the circuit file");
    std::stringstream ss;
    ss << f.rdbuf();
    if (f.bad()) throw CircuitError(path, 0, "cannot read the circuit file");
    return parse_circuit(ss.str(), path);
}

namespace {

template <class F>
void walk(const Circuit& c, std::uint32_t block, std::uint64_t times, F&& f) {
    for (const Instruction& in : c.blocks[block]) {
        if (in.gate == Gate::kRepeat)
            walk(c, in.block, times * in.repeat_count, f);
        else
            f(in, times);
    }
}

}  // namespace

std::uint32_t Circuit::num_qubits() const {
    std::uint32_t n = 0;
    for (const auto& b : blocks)
        for (const auto& in : b)
            if (in.gate != Gate::kDetector && in.gate != Gate::kObservableInclude)
                for (const Target& t : in.targets)
                    if (!t.record) n = std::max(n, t.value + 1);
    return n;
}

std::uint64_t Circuit::num_measurements() const {
    std::uint64_t n = 0;
    walk(*this, 0, 1, [&](const Instruction& in, std::uint64_t times) {
        if (gate_info(in.gate).kind == GateKind::kMeasure) n += times * in.targets.size();
    });
    return n;
}

std::uint64_t Circuit::num_detectors() const {
    std::uint64_t n = 0;
    walk(*this, 0, 1, [&](const Instruction& in, std::uint64_t times) {
        if (in.gate == Gate::kDetector) n += times;
    });
    return n;
}

std::uint32_t Circuit::num_observables() const {
    std::uint32_t n = 0;
    walk(*this, 0, 1, [&](const Instruction& in, std::uint64_t) {
        if (in.gate == Gate::kObservableInclude) n = std::max(n, std::uint32_t(in.args[0]) + 1);
    });
    return n;
}

std::uint64_t Circuit::num_gate_applications() const {
    std::uint64_t n = 0;
    walk(*this, 0, 1, [&](const Instruction& in, std::uint64_t times) {
        switch (gate_info(in.gate).kind) {
            case GateKind::kUnitary1:
            case GateKind::kReset:
            case GateKind::kMeasure:
                n += times * in.targets.size();
                break;
            case GateKind::kUnitary2:
                n += times * in.targets.size() / 2;
                break;
            case GateKind::kControlled:
                n += times * (in.gate == Gate::kMCX ? 1 : in.targets.size() / 3);
                break;
            default:
                break;
        }
    });
    return n;
}

namespace {

void write_block(const Circuit& c, std::uint32_t block, int indent, std::string& out) {
    for (const Instruction& in : c.blocks[block]) {
        out.append(std::size_t(indent) * 4, ' ');
        out += gate_info(in.gate).name;
        if (in.gate == Gate::kRepeat) {
            out += " " + std::to_string(in.repeat_count) + " {\n";
            write_block(c, in.block, indent + 1, out);
            out.append(std::size_t(indent) * 4, ' ');
            out += "}\n";
            continue;
        }
        if (!in.args.empty()) {
            out += '(';
            for (std::size_t i = 0; i < in.args.size(); ++i) out += (i ? ", " : "") + shortest_number(in.args[i]);
            out += ')';
        }
        for (const Target& t : in.targets) {
            out += ' ';
            if (t.record)
                out += "rec[-" + std::to_string(t.value) + "]";
            else
                out += (t.inverted ? "!" : "") + std::to_string(t.value);
        }
        out += '\n';
    }
}

}  // namespace

std::string Circuit::to_text() const {
    std::string out;
    write_block(*this, 0, 0, out);
    return out;
}

CircuitBuilder& CircuitBuilder::add(Gate g, std::vector<std::uint32_t> qubits, std::vector<double> args) {
    Instruction in;
    in.gate = g;
    in.args = std::move(args);
    for (std::uint32_t q : qubits) in.targets.push_back({q, false, false});
    check_instruction(in, circuit_.source);
    circuit_.blocks[block_].push_back(std::move(in));
    return *this;
}

CircuitBuilder& CircuitBuilder::detector(const std::vector<std::uint32_t>& lookbacks, std::vector<double> coords) {
    Instruction in;
    in.gate = Gate::kDetector;
    in.args = std::move(coords);
    for (std::uint32_t k : lookbacks) in.targets.push_back({k, true, false});
    check_instruction(in, circuit_.source);
    circuit_.blocks[block_].push_back(std::move(in));
    return *this;
}

CircuitBuilder& CircuitBuilder::observable(std::uint32_t index, const std::vector<std::uint32_t>& lookbacks) {
    Instruction in;
    in.gate = Gate::kObservableInclude;
    in.args = {double(index)};
    for (std::uint32_t k : lookbacks) in.targets.push_back({k, true, false});
    check_instruction(in, circuit_.source);
    circuit_.blocks[block_].push_back(std::move(in));
    return *this;
}

CircuitBuilder CircuitBuilder::repeat(std::uint64_t count) {
    Instruction in;
    in.gate = Gate::kRepeat;
    in.repeat_count = count;
    in.block = std::uint32_t(circuit_.blocks.size());
    check_instruction(in, circuit_.source);
    circuit_.blocks.emplace_back();
    circuit_.blocks[block_].push_back(in);
    return CircuitBuilder(circuit_, in.block);
}

}  // namespace qdes::quantum
