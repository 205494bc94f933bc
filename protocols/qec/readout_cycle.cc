#include "protocols/qec/readout_cycle.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "protocols/lec/rule.h"  // layers_of

namespace qdes::qec {

using quantum::Circuit;
using quantum::CircuitBuilder;
using quantum::Gate;
using quantum::NoiseModel;

LecKind parse_lec_kind(const std::string& name) {
    if (name == "none") return LecKind::kNone;
    if (name == "both_ends") return LecKind::kBothEnds;
    if (name == "rule") return LecKind::kRule;
    throw std::invalid_argument("unknown LEC rule \"" + name + "\"; known: none, both_ends, rule");
}

namespace {

std::vector<std::uint32_t> iota(std::uint32_t from, std::uint32_t to) {
    std::vector<std::uint32_t> v(to - from);
    std::iota(v.begin(), v.end(), from);
    return v;
}

// Appends `src` (a flat circuit) to `dst`.
void append(Circuit& dst, const Circuit& src) {
    dst.top().insert(dst.top().end(), src.top().begin(), src.top().end());
}

}  // namespace

ReadoutCycle readout_cycle(const quantum::CssCode& code, const ReadoutCycleOptions& o, const hw::QuantumDevice& device) {
    if (o.readout_every == 0) throw std::invalid_argument("readout_every: a cycle has at least one round");
    if (o.noise.idle != 0) throw std::invalid_argument("idle noise comes from the device, not the noise model");
    const bool phenomenological = o.noise.kind == NoiseModel::Kind::kPhenomenological;
    if (!phenomenological && o.noise.kind != NoiseModel::Kind::kGateBitflip &&
        o.noise.kind != NoiseModel::Kind::kGateDepolarizing && o.noise.kind != NoiseModel::Kind::kNone)
        throw std::invalid_argument("noise: readout cycles take phenomenological, gate_bitflip or gate_depolarizing");

    ReadoutCycle rc;
    rc.rounds = o.readout_every;
    const std::uint32_t n = code.num_qubits, m = std::uint32_t(code.z_checks.size());
    if (m == 0) throw std::invalid_argument(code.name + " has no Z checks");
    rc.num_data = n;
    rc.num_checks = m;
    rc.qubits.assign(n, {});
    std::size_t width = 0;
    for (std::uint32_t c = 0; c < m; ++c) {
        width = std::max(width, code.z_checks[c].size());
        for (std::uint32_t k = 0; k < code.z_checks[c].size(); ++k) {
            QubitChecks& qc = rc.qubits[code.z_checks[c][k]];
            if (qc.count == 2)
                throw std::invalid_argument(code.name + ": qubit " + std::to_string(code.z_checks[c][k]) +
                                            " is in more than two Z checks, so its errors are not graphlike");
            qc.check[qc.count] = c;
            qc.layer[qc.count] = k;
            ++qc.count;
        }
    }
    for (QubitChecks& qc : rc.qubits)
        if (qc.count == 2 && qc.layer[0] > qc.layer[1]) {
            std::swap(qc.check[0], qc.check[1]);
            std::swap(qc.layer[0], qc.layer[1]);
        }
    rc.logical_masks.assign(n, 0);
    for (std::size_t k = 0; k < code.z_logicals.size() && k < 64; ++k)
        for (std::uint32_t q : code.z_logicals[k]) rc.logical_masks[q] |= std::uint64_t(1) << k;

    // CX layers: a check's k-th qubit in layer k.
    std::vector<std::vector<std::uint32_t>> cx_layers(width);
    for (std::size_t k = 0; k < width; ++k) {
        std::vector<std::uint8_t> used(n, 0);
        for (std::uint32_t c = 0; c < m; ++c) {
            if (k >= code.z_checks[c].size()) continue;
            const std::uint32_t q = code.z_checks[c][k];
            if (used[q]) throw std::invalid_argument(code.name + ": CX layer " + std::to_string(k) + " uses qubit " +
                                                     std::to_string(q) + " twice");
            used[q] = 1;
            cx_layers[k].push_back(q);
            cx_layers[k].push_back(n + c);
        }
    }
    // CCX layers of the both_ends rule.
    // Built for the baseline too: its waits last as long as an LEC round would.
    std::vector<std::vector<std::uint32_t>> ccx_layers;
    {
        std::vector<std::vector<std::uint32_t>> gates;
        for (std::uint32_t q = 0; q < n; ++q)
            if (rc.qubits[q].count == 2) gates.push_back({n + rc.qubits[q].check[0], n + rc.qubits[q].check[1], q});
        for (const auto& layer : lec::layers_of(gates, n + m)) {
            ccx_layers.emplace_back();
            for (std::size_t g : layer) ccx_layers.back().insert(ccx_layers.back().end(), gates[g].begin(), gates[g].end());
        }
    }

    // A user rule: its gates on the toric code.
    std::vector<std::vector<std::uint32_t>> rule_gates;
    std::vector<std::vector<bool>> rule_negated;
    if (o.lec == LecKind::kRule) {
        if (!o.rule) throw std::invalid_argument("lec: rule needs a rule file");
        const auto L = std::uint32_t(std::lround(std::sqrt(double(m))));
        if (code.name.rfind("toric2d", 0) != 0 || L * L != m || n != 2 * m)
            throw std::invalid_argument("lec: a rule file applies to the toric code (toric2d) only");
        toric_rule_gates(*o.rule, L, rule_gates, rule_negated);
    }

    const std::vector<std::uint32_t> data = iota(0, n), ancillas = iota(n, n + m);
    const double q_meas = o.noise.measurement_flip();
    NoiseModel gate_noise = o.noise;
    const auto noisy = [&](const Circuit& c) {
        return phenomenological || o.noise.kind == NoiseModel::Kind::kNone ? c : quantum::add_gate_noise(c, gate_noise);
    };
    const auto start_round = [&](CircuitBuilder& b) {
        if (phenomenological && o.noise.p > 0) b.add(Gate::kXError, data, {o.noise.p});
    };
    const auto extract = [&](CircuitBuilder& b) {
        b.add(Gate::kR, ancillas).tick();
        for (const auto& layer : cx_layers) b.add(Gate::kCX, layer).tick();
    };

    Circuit lec_round;
    lec_round.source = "lec_round(" + code.name + ")";
    {
        CircuitBuilder b(lec_round);
        start_round(b);
        extract(b);
        if (o.lec == LecKind::kRule) {
            lec::add_controlled_layers(b, rule_gates, rule_negated, n + m);
        } else {
            for (const auto& layer : ccx_layers) b.add(Gate::kCCX, layer).tick();
        }
    }
    Circuit readout;
    readout.source = "readout_round(" + code.name + ")";
    {
        CircuitBuilder b(readout);
        start_round(b);
        extract(b);
        const bool flip = phenomenological && q_meas > 0;
        b.add(Gate::kM, ancillas, flip ? std::vector<double>{q_meas} : std::vector<double>{});
        for (std::uint32_t c = 0; c < m; ++c) b.detector({m - c});
        b.tick();
    }
    const Circuit lec_noisy = noisy(lec_round), readout_noisy = noisy(readout);
    const hw::TimedCircuit lec_timed = hw::add_idle_noise(lec_round, device, n + m);
    rc.lec_round_ps = lec_timed.total_ps;

    // The cycle: R - 1 LEC rounds (or waits of the same length), then the readout; without readout, one round.
    if (!o.readout && o.readout_every != 1)
        throw std::invalid_argument("readout_every: a cycle without readout has one round");
    Circuit cycle;
    cycle.source = "readout_cycle(" + code.name + ", R=" + std::to_string(o.readout_every) + ")";
    std::vector<TimePs> min_layer;
    const auto lec_or_wait = [&]() {
        if (o.lec == LecKind::kNone) {  // wait as long as an LEC round would take
            CircuitBuilder b(cycle);
            start_round(b);
            b.tick();
            min_layer.push_back(rc.lec_round_ps);
        } else {
            append(cycle, lec_noisy);
            min_layer.insert(min_layer.end(), lec_timed.layer_ps.size(), 0);
        }
    };
    for (std::uint32_t r = 1; r < o.readout_every; ++r) lec_or_wait();
    if (o.readout) append(cycle, readout_noisy);
    else lec_or_wait();
    rc.timed = hw::add_idle_noise(cycle, device, n + m, min_layer);
    rc.readout_round_ps = hw::add_idle_noise(readout, device, n + m).total_ps;
    return rc;
}

}  // namespace qdes::qec
