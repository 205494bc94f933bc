#include "models/quantum/noise.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qdes::quantum {

namespace {

struct Kinds {
    const char* name;
    NoiseModel::Kind kind;
};
constexpr Kinds kKinds[] = {{"none", NoiseModel::Kind::kNone},
                            {"gate_bitflip", NoiseModel::Kind::kGateBitflip},
                            {"gate_depolarizing", NoiseModel::Kind::kGateDepolarizing},
                            {"phenomenological", NoiseModel::Kind::kPhenomenological}};

Instruction noise_on(Gate g, double p, const std::vector<Target>& targets) {
    Instruction in;
    in.gate = g;
    in.args = {p};
    for (const Target& t : targets) in.targets.push_back({t.value, false, false});
    return in;
}

class NoiseAdder {
  public:
    NoiseAdder(const Circuit& in, const NoiseModel& m) : in_(in), m_(m), n_(in.num_qubits()) {}

    Circuit run() {
        out_.source = in_.source;
        out_.blocks.assign(in_.blocks.size(), {});
        for (std::uint32_t b = 0; b < in_.blocks.size(); ++b) block(b);
        return std::move(out_);
    }

  private:
    void block(std::uint32_t b) {
        std::vector<Instruction>& out = out_.blocks[b];
        std::vector<bool> touched(n_, false);
        auto touch = [&](const Instruction& in) {
            for (const Target& t : in.targets)
                if (!t.record) touched[t.value] = true;
        };
        const bool dep = m_.kind == NoiseModel::Kind::kGateDepolarizing;
        const double p = m_.p;
        for (const Instruction& in : in_.blocks[b]) {
            const GateKind kind = gate_info(in.gate).kind;
            if (in.gate == Gate::kTick) {
                if (m_.idle > 0) {
                    std::vector<Target> idle;
                    for (std::uint32_t q = 0; q < n_; ++q)
                        if (!touched[q]) idle.push_back({q, false, false});
                    if (!idle.empty()) out.push_back(noise_on(dep ? Gate::kDepolarize1 : Gate::kXError, m_.idle, idle));
                }
                touched.assign(n_, false);
                out.push_back(in);
                continue;
            }
            if (in.gate == Gate::kRepeat) {
                touched.assign(n_, false);
                out.push_back(in);
                continue;
            }
            Instruction copy = in;
            if (kind == GateKind::kMeasure && m_.measurement_flip() > 0) {
                double q = m_.measurement_flip();
                double old = copy.args.empty() ? 0.0 : copy.args[0];
                copy.args = {old + q - 2 * old * q};  // two independent flips
            }
            out.push_back(copy);
            if (p <= 0) {
                touch(in);
                continue;
            }
            switch (kind) {
                case GateKind::kUnitary1:
                    out.push_back(noise_on(dep ? Gate::kDepolarize1 : Gate::kXError, p, in.targets));
                    break;
                case GateKind::kUnitary2:
                    out.push_back(noise_on(dep ? Gate::kDepolarize2 : Gate::kXError, p, in.targets));
                    break;
                case GateKind::kControlled:
                    if (!dep)
                        out.push_back(noise_on(Gate::kXError, p, in.targets));
                    else if (in.gate != Gate::kMCX || in.targets.size() == 3)
                        out.push_back(noise_on(Gate::kDepolarize3, p, in.targets));
                    else
                        out.push_back(noise_on(Gate::kDepolarize1, p, in.targets));
                    break;
                case GateKind::kReset:
                    out.push_back(noise_on(in.gate == Gate::kRX ? Gate::kZError : Gate::kXError, p, in.targets));
                    break;
                case GateKind::kMeasure:
                    if (in.gate == Gate::kMR || in.gate == Gate::kMRX)  // the reset half of the operation
                        out.push_back(noise_on(in.gate == Gate::kMRX ? Gate::kZError : Gate::kXError, p, in.targets));
                    break;
                default:
                    break;
            }
            touch(in);
        }
    }

    const Circuit& in_;
    const NoiseModel& m_;
    std::uint32_t n_;
    Circuit out_;
};

}  // namespace

GeometricSampler::GeometricSampler(double p) : p_(p), inv_log_q_(p > 0 && p < 1 ? 1.0 / std::log1p(-p) : 0) {
    if (!(p >= 1e-3 && p < 1)) return;
    K_ = std::uint32_t(std::ceil(4 / p));
    table_.resize(std::size_t(K_) + 2);
    const double q = 1 - p;
    for (std::uint32_t k = 0; k <= K_ + 1; ++k) {
        const double t = std::pow(q, double(k)) * 18446744073709551616.0;  // q^k 2^64
        table_[k] = t >= 18446744073709551615.0 ? ~std::uint64_t(0) : std::uint64_t(t);
    }
    unsigned bits = 1;
    while ((std::uint64_t(1) << bits) < 4 * std::uint64_t(K_)) ++bits;
    shift_ = 64 - bits;
    guide_.resize(std::size_t(1) << bits);
    // The gap at a bucket's largest x: the largest k < K with x < T_k. It only shrinks as x grows, so one walk
    // over the buckets in increasing x does it. (Buckets wholly in the tail, x < T_K, are never used.)
    std::uint32_t g = K_ - 1;
    for (std::size_t j = 0; j < guide_.size(); ++j) {
        const std::uint64_t x_max = (std::uint64_t(j) << shift_) | ((std::uint64_t(1) << shift_) - 1);
        while (g > 0 && x_max >= table_[g]) --g;
        guide_[j] = g;
    }
}

std::string NoiseModel::name() const {
    for (const Kinds& k : kKinds)
        if (k.kind == kind) return k.name;
    return "?";
}

NoiseModel::Kind NoiseModel::parse_kind(const std::string& name) {
    for (const Kinds& k : kKinds)
        if (name == k.name) return k.kind;
    std::string list;
    for (const Kinds& k : kKinds) list += std::string(list.empty() ? "" : ", ") + k.name;
    throw std::invalid_argument("unknown noise model '" + name + "' (known: " + list + ")");
}

std::vector<std::string> NoiseModel::kind_names() {
    std::vector<std::string> out;
    for (const Kinds& k : kKinds) out.push_back(k.name);
    return out;
}

Circuit add_gate_noise(const Circuit& noiseless, const NoiseModel& model) {
    if (model.kind == NoiseModel::Kind::kPhenomenological)
        throw std::invalid_argument(
            "phenomenological noise needs to know the data qubits and the rounds, so only the code builders "
            "(repetition, ising2d, toric2d, toric4d) apply it; use gate_bitflip or gate_depolarizing on a circuit file");
    if (model.kind == NoiseModel::Kind::kNone && model.idle <= 0 && model.measurement_flip() <= 0) return noiseless;
    NoiseModel m = model;
    if (m.kind == NoiseModel::Kind::kNone) m.p = 0;
    return NoiseAdder(noiseless, m).run();
}

}  // namespace qdes::quantum
