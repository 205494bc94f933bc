#include "hardware/quantum/device.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace qdes::hw {

namespace {
constexpr TimePs kNs = 1000;
constexpr TimePs kUs = 1000 * kNs;

std::string micros(TimePs t) {
    char text[32];
    std::snprintf(text, sizeof text, "%g us", double(t) / double(kUs));
    return text;
}

// 1 - exp(-t / T), or 0 when T is 0 (no such process).
double decay(TimePs t, TimePs T) { return T == 0 ? 0.0 : -std::expm1(-double(t) / double(T)); }
}  // namespace

PauliProbabilities QuantumDevice::idle_error(TimePs t) const {
    const double a = decay(t, t1_ps), d = decay(t, t2_ps);
    PauliProbabilities p;
    p.x = p.y = a / 4;
    p.z = std::max(0.0, d / 2 - a / 4);
    return p;
}

double QuantumDevice::idle_flip(TimePs t) const {
    const PauliProbabilities p = idle_error(t);
    return p.x + p.y;
}

TimePs QuantumDevice::duration_of(quantum::Gate g) const {
    using quantum::Gate;
    switch (g) {
        case Gate::kI:
        case Gate::kX:
        case Gate::kY:
        case Gate::kZ:
        case Gate::kH:
        case Gate::kS:
        case Gate::kSDag: return gate_1q_ps;
        case Gate::kCX:
        case Gate::kCZ:
        case Gate::kSwap: return gate_2q_ps;
        case Gate::kCCX:
        case Gate::kCCZ:
        case Gate::kMCX: return gate_3q_ps;
        case Gate::kR:
        case Gate::kRX: return reset_ps;
        case Gate::kM:
        case Gate::kMX: return measure_ps;
        case Gate::kMR:
        case Gate::kMRX: return measure_ps + reset_ps;
        default: return 0;
    }
}

void QuantumDevice::check() const {
    if (t2_ps > 0 && t1_ps > 0 && t2_ps > 2 * t1_ps)
        throw std::invalid_argument("t2: T2 can be at most 2 T1 (" + micros(t2_ps) + " > 2 x " + micros(t1_ps) + ")");
    if (t2_ps > 0 && t1_ps == 0)
        throw std::invalid_argument("t1: a device with dephasing (t2) needs t1 as well");
}

namespace {

QuantumDevice willow() {
    // Google Quantum AI, "Quantum error correction below the surface code threshold", Nature 638, 920 (2025),
    // arXiv:2408.13687. docs/devices.md says which numbers were checked against the text.
    QuantumDevice d;
    d.name = "willow_2024";
    d.t1_ps = 68 * kUs;
    d.t2_ps = 89 * kUs;
    d.gate_1q_ps = 25 * kNs;
    d.gate_2q_ps = 42 * kNs;
    // No native Toffoli: the textbook decomposition (6 CX and 7 single-qubit layers, Nielsen and Chuang Fig. 4.9).
    d.gate_3q_ps = 6 * d.gate_2q_ps + 7 * d.gate_1q_ps;
    d.measure_ps = 500 * kNs;
    d.reset_ps = 160 * kNs;
    return d;
}

QuantumDevice ideal() {
    QuantumDevice d;
    d.name = "ideal";
    d.gate_1q_ps = d.gate_2q_ps = d.gate_3q_ps = d.measure_ps = d.reset_ps = 100 * kNs;
    return d;
}

}  // namespace

std::vector<std::string> example_device_names() { return {"willow_2024", "ideal"}; }

QuantumDevice example_device(const std::string& name) {
    if (name == "willow_2024") return willow();
    if (name == "ideal") return ideal();
    throw std::invalid_argument("unknown device \"" + name + "\"; known: willow_2024, ideal");
}

void add_device_params(ParamSchema& s) {
    s.choice("device", example_device_names(),
             "the device whose operation durations and T1/T2 apply (docs/devices.md); ideal: 100 ns per operation "
             "and no idle noise")
        .with_default("willow_2024");
    s.duration("t1", "override the device's T1 (amplitude damping); 0 s: none").optional_without_default();
    s.duration("t2", "override the device's T2 (dephasing); 0 s: none").optional_without_default();
    s.duration("gate_1q", "override the single-qubit gate duration").optional_without_default();
    s.duration("gate_2q", "override the two-qubit gate (CX) duration").optional_without_default();
    s.duration("gate_3q", "override the three-qubit gate (CCX) duration").optional_without_default();
    s.duration("measure", "override the measurement duration").optional_without_default();
    s.duration("reset", "override the reset duration").optional_without_default();
}

QuantumDevice device_from(const ParamValues& p) {
    QuantumDevice d = example_device(p.string("device"));
    const std::pair<const char*, TimePs*> overrides[] = {
        {"t1", &d.t1_ps},           {"t2", &d.t2_ps},           {"gate_1q", &d.gate_1q_ps}, {"gate_2q", &d.gate_2q_ps},
        {"gate_3q", &d.gate_3q_ps}, {"measure", &d.measure_ps}, {"reset", &d.reset_ps}};
    for (const auto& [key, field] : overrides)
        if (p.has(key)) *field = p.duration_ps(key);
    if (p.has("t1") || p.has("t2") || p.has("gate_1q") || p.has("gate_2q") || p.has("gate_3q") || p.has("measure") ||
        p.has("reset"))
        d.name += " (modified)";
    d.check();
    return d;
}

TimedCircuit add_idle_noise(const quantum::Circuit& circuit, const QuantumDevice& device, std::uint32_t num_qubits,
                            const std::vector<TimePs>& min_layer_ps) {
    using quantum::Gate;
    using quantum::GateKind;
    if (circuit.blocks.size() > 1) throw std::invalid_argument("add_idle_noise: the circuit must be flat (no REPEAT)");
    TimedCircuit out;
    out.circuit.source = circuit.source;
    auto& dst = out.circuit.top();
    std::vector<TimePs> busy(num_qubits, 0);
    std::vector<std::uint32_t> touched;
    TimePs layer = 0;
    const auto close_layer = [&]() {
        const std::size_t k = out.layer_ps.size();
        if (k < min_layer_ps.size()) layer = std::max(layer, min_layer_ps[k]);
        // Qubits grouped by idle time, one X_ERROR per group.
        std::map<TimePs, std::vector<std::uint32_t>> by_idle;
        for (std::uint32_t q = 0; q < num_qubits; ++q)
            if (layer > busy[q]) by_idle[layer - busy[q]].push_back(q);
        for (const auto& [idle, qubits] : by_idle) {
            const double p = device.idle_flip(idle);
            if (p <= 0) continue;
            quantum::Instruction in{Gate::kXError, {std::min(p, 0.5)}, {}};
            for (std::uint32_t q : qubits) in.targets.push_back({q});
            dst.push_back(std::move(in));
        }
        out.layer_ps.push_back(layer);
        out.total_ps += layer;
        for (std::uint32_t q : touched) busy[q] = 0;
        touched.clear();
        layer = 0;
    };
    for (const auto& in : circuit.top()) {
        if (in.gate == Gate::kTick) {
            close_layer();
            dst.push_back(in);
            continue;
        }
        dst.push_back(in);
        const TimePs d = device.duration_of(in.gate);
        if (d == 0) continue;
        for (const auto& t : in.targets) {
            if (t.record) continue;
            if (t.value >= num_qubits) throw std::invalid_argument("add_idle_noise: qubit out of range");
            if (busy[t.value] == 0) touched.push_back(t.value);
            busy[t.value] += d;  // several operations on one qubit in a layer run one after another
            layer = std::max(layer, busy[t.value]);
        }
    }
    if (layer > 0 || out.layer_ps.size() < min_layer_ps.size()) close_layer();
    return out;
}

}  // namespace qdes::hw
