#include "models/quantum/density_matrix.h"

#include <bit>
#include <complex>
#include <stdexcept>
#include <tuple>

namespace qdes::quantum {

namespace {
using cd = std::complex<double>;
constexpr double kDropBelow = 1e-15;  ///< branches less likely than this are dropped
}  // namespace

DensityMatrixSimulator::DensityMatrixSimulator(const Circuit& circuit) : n_(circuit.num_qubits()) {
    if (n_ > kMaxQubits)
        throw std::invalid_argument("the density-matrix reference handles at most " + std::to_string(kMaxQubits) +
                                    " qubits; the circuit has " + std::to_string(n_));
    if (circuit.num_measurements() > kMaxMeasurements)
        throw std::invalid_argument("the density-matrix reference handles at most " +
                                    std::to_string(kMaxMeasurements) + " measurements; the circuit has " +
                                    std::to_string(circuit.num_measurements()));
    dim_ = std::uint64_t(1) << n_;
    Eigen::MatrixXcd rho = Eigen::MatrixXcd::Zero(Eigen::Index(dim_), Eigen::Index(dim_));
    rho(0, 0) = 1;
    branches_.emplace(0, std::move(rho));
    block(circuit, 0);
    for (const auto& [rec, r] : branches_) records_[rec] = r.trace().real();
}

Eigen::MatrixXcd DensityMatrixSimulator::final_state() const {
    Eigen::MatrixXcd sum = Eigen::MatrixXcd::Zero(Eigen::Index(dim_), Eigen::Index(dim_));
    for (const auto& [rec, r] : branches_) sum += r;
    return sum;
}

double DensityMatrixSimulator::parity_probability(std::uint64_t mask) const {
    double p = 0;
    for (const auto& [rec, prob] : records_)
        if (std::popcount(rec & mask) & 1) p += prob;
    return p;
}

void DensityMatrixSimulator::block(const Circuit& c, std::uint32_t b) {
    for (const Instruction& in : c.blocks[b]) {
        if (in.gate == Gate::kRepeat) {
            for (std::uint64_t i = 0; i < in.repeat_count; ++i) block(c, in.block);
        } else {
            instruction(in);
        }
    }
}

template <class F>
void DensityMatrixSimulator::monomial(F&& f) {
    std::vector<std::uint64_t> to(dim_);
    std::vector<cd> phase(dim_);
    for (std::uint64_t i = 0; i < dim_; ++i) std::tie(to[i], phase[i]) = f(i);
    for (auto& [rec, rho] : branches_) {
        Eigen::MatrixXcd out(rho.rows(), rho.cols());
        for (std::uint64_t i = 0; i < dim_; ++i)
            for (std::uint64_t k = 0; k < dim_; ++k)
                out(Eigen::Index(to[i]), Eigen::Index(to[k])) = phase[i] * std::conj(phase[k]) * rho(Eigen::Index(i), Eigen::Index(k));
        rho = std::move(out);
    }
}

void DensityMatrixSimulator::hadamard(std::uint32_t q) {
    const std::uint64_t bit = std::uint64_t(1) << q;
    const double s = 1 / std::sqrt(2.0);
    for (auto& [rec, rho] : branches_) {
        for (std::uint64_t i = 0; i < dim_; ++i) {
            if (i & bit) continue;
            auto r0 = rho.row(Eigen::Index(i)).eval();
            auto r1 = rho.row(Eigen::Index(i | bit)).eval();
            rho.row(Eigen::Index(i)) = s * (r0 + r1);
            rho.row(Eigen::Index(i | bit)) = s * (r0 - r1);
        }
        for (std::uint64_t i = 0; i < dim_; ++i) {
            if (i & bit) continue;
            auto c0 = rho.col(Eigen::Index(i)).eval();
            auto c1 = rho.col(Eigen::Index(i | bit)).eval();
            rho.col(Eigen::Index(i)) = s * (c0 + c1);
            rho.col(Eigen::Index(i | bit)) = s * (c0 - c1);
        }
    }
}

void DensityMatrixSimulator::pauli_channel(const std::vector<std::tuple<std::uint64_t, std::uint64_t, double>>& terms) {
    for (auto& [rec, rho] : branches_) {
        Eigen::MatrixXcd sum = Eigen::MatrixXcd::Zero(rho.rows(), rho.cols());
        for (const auto& [xm, zm, w] : terms) {
            if (w == 0) continue;
            for (std::uint64_t i = 0; i < dim_; ++i) {
                double si = (std::popcount(i & zm) & 1) ? -1.0 : 1.0;
                for (std::uint64_t k = 0; k < dim_; ++k) {
                    double sk = (std::popcount(k & zm) & 1) ? -1.0 : 1.0;
                    sum(Eigen::Index(i ^ xm), Eigen::Index(k ^ xm)) += w * si * sk * rho(Eigen::Index(i), Eigen::Index(k));
                }
            }
        }
        rho = std::move(sum);
    }
}

void DensityMatrixSimulator::measure(std::uint32_t q, double flip, bool reset_after) {
    const std::uint64_t bit = std::uint64_t(1) << q;
    std::map<std::uint64_t, Eigen::MatrixXcd> next;
    auto add = [&](std::uint64_t rec, const Eigen::MatrixXcd& m, double w) {
        if (w == 0) return;
        auto [it, inserted] = next.try_emplace(rec, w * m);
        if (!inserted) it->second += w * m;
    };
    for (auto& [rec, rho] : branches_) {
        for (int b = 0; b < 2; ++b) {
            Eigen::MatrixXcd proj = rho;
            for (std::uint64_t i = 0; i < dim_; ++i)
                for (std::uint64_t k = 0; k < dim_; ++k)
                    if (bool(i & bit) != bool(b) || bool(k & bit) != bool(b)) proj(Eigen::Index(i), Eigen::Index(k)) = 0;
            if (proj.trace().real() < kDropBelow) continue;
            if (reset_after && b == 1) {
                Eigen::MatrixXcd moved = Eigen::MatrixXcd::Zero(proj.rows(), proj.cols());
                for (std::uint64_t i = 0; i < dim_; ++i)
                    for (std::uint64_t k = 0; k < dim_; ++k)
                        moved(Eigen::Index(i ^ bit), Eigen::Index(k ^ bit)) = proj(Eigen::Index(i), Eigen::Index(k));
                proj = std::move(moved);
            }
            std::uint64_t same = rec | (std::uint64_t(b) << measured_);
            std::uint64_t other = rec | (std::uint64_t(1 - b) << measured_);
            add(same, proj, 1 - flip);
            add(other, proj, flip);
        }
    }
    branches_ = std::move(next);
    ++measured_;
}

void DensityMatrixSimulator::reset(std::uint32_t q) {
    const std::uint64_t bit = std::uint64_t(1) << q;
    for (auto& [rec, rho] : branches_) {
        Eigen::MatrixXcd out = Eigen::MatrixXcd::Zero(rho.rows(), rho.cols());
        for (std::uint64_t i = 0; i < dim_; ++i)
            for (std::uint64_t k = 0; k < dim_; ++k)
                if (bool(i & bit) == bool(k & bit))
                    out(Eigen::Index(i & ~bit), Eigen::Index(k & ~bit)) += rho(Eigen::Index(i), Eigen::Index(k));
        rho = std::move(out);
    }
}

void DensityMatrixSimulator::instruction(const Instruction& in) {
    auto bit = [](std::uint32_t q) { return std::uint64_t(1) << q; };
    std::vector<std::uint32_t> q;
    for (const Target& t : in.targets) q.push_back(t.value);
    const double p = in.args.empty() ? 0.0 : in.args[0];
    auto pauli_terms = [&](const std::vector<std::uint32_t>& qubits, double prob) {
        // Uniform over the 4^k - 1 non-identity Paulis on the qubits; bits (x, z) per qubit.
        std::vector<std::tuple<std::uint64_t, std::uint64_t, double>> terms{{0, 0, 1 - prob}};
        const std::uint64_t count = (std::uint64_t(1) << (2 * qubits.size())) - 1;
        for (std::uint64_t k = 1; k <= count; ++k) {
            std::uint64_t xm = 0, zm = 0;
            for (std::size_t j = 0; j < qubits.size(); ++j) {
                if ((k >> (2 * j)) & 1) xm |= bit(qubits[j]);
                if ((k >> (2 * j + 1)) & 1) zm |= bit(qubits[j]);
            }
            terms.emplace_back(xm, zm, prob / double(count));
        }
        return terms;
    };
    switch (in.gate) {
        case Gate::kI: break;
        case Gate::kX:
        case Gate::kY:
        case Gate::kZ:
            for (std::uint32_t t : q) {
                std::uint64_t xm = in.gate != Gate::kZ ? bit(t) : 0, zm = in.gate != Gate::kX ? bit(t) : 0;
                monomial([&](std::uint64_t i) {
                    return std::pair{i ^ xm, cd((std::popcount(i & zm) & 1) ? -1.0 : 1.0)};
                });
            }
            break;
        case Gate::kH:
            for (std::uint32_t t : q) hadamard(t);
            break;
        case Gate::kS:
        case Gate::kSDag: {
            const cd one_phase = in.gate == Gate::kS ? cd(0, 1) : cd(0, -1);
            for (std::uint32_t t : q)
                monomial([&](std::uint64_t i) { return std::pair{i, (i & bit(t)) ? one_phase : cd(1)}; });
            break;
        }
        case Gate::kCX:
            for (std::size_t k = 0; k + 1 < q.size(); k += 2)
                monomial([&](std::uint64_t i) {
                    return std::pair{(i & bit(q[k])) ? i ^ bit(q[k + 1]) : i, cd(1)};
                });
            break;
        case Gate::kCZ:
            for (std::size_t k = 0; k + 1 < q.size(); k += 2)
                monomial([&](std::uint64_t i) {
                    bool both = (i & bit(q[k])) && (i & bit(q[k + 1]));
                    return std::pair{i, cd(both ? -1.0 : 1.0)};
                });
            break;
        case Gate::kSwap:
            for (std::size_t k = 0; k + 1 < q.size(); k += 2)
                monomial([&](std::uint64_t i) {
                    bool a = i & bit(q[k]), b = i & bit(q[k + 1]);
                    std::uint64_t j = i & ~(bit(q[k]) | bit(q[k + 1]));
                    if (a) j |= bit(q[k + 1]);
                    if (b) j |= bit(q[k]);
                    return std::pair{j, cd(1)};
                });
            break;
        case Gate::kCCX:
        case Gate::kCCZ:
        case Gate::kMCX: {
            const std::size_t group = in.gate == Gate::kMCX ? q.size() : 3;
            for (std::size_t g = 0; g < q.size(); g += group) {
                std::uint64_t controls = 0;
                for (std::size_t k = g; k + 1 < g + group; ++k) controls |= bit(q[k]);
                const std::uint64_t target = bit(q[g + group - 1]);
                const bool phase_gate = in.gate == Gate::kCCZ;
                monomial([&](std::uint64_t i) {
                    bool on = (i & controls) == controls;
                    if (phase_gate) return std::pair{i, cd((on && (i & target)) ? -1.0 : 1.0)};
                    return std::pair{on ? i ^ target : i, cd(1)};
                });
            }
            break;
        }
        case Gate::kR:
            for (std::uint32_t t : q) reset(t);
            break;
        case Gate::kRX:
            for (std::uint32_t t : q) {
                reset(t);
                hadamard(t);
            }
            break;
        case Gate::kM:
        case Gate::kMR:
            for (std::uint32_t t : q) measure(t, p, in.gate == Gate::kMR);
            break;
        case Gate::kMX:
        case Gate::kMRX:
            for (std::uint32_t t : q) {
                hadamard(t);
                measure(t, p, in.gate == Gate::kMRX);
                hadamard(t);
            }
            break;
        case Gate::kXError:
        case Gate::kYError:
        case Gate::kZError:
            for (std::uint32_t t : q) {
                std::uint64_t xm = in.gate != Gate::kZError ? bit(t) : 0, zm = in.gate != Gate::kXError ? bit(t) : 0;
                pauli_channel({{0, 0, 1 - p}, {xm, zm, p}});
            }
            break;
        case Gate::kDepolarize1:
            for (std::uint32_t t : q) pauli_channel(pauli_terms({t}, p));
            break;
        case Gate::kDepolarize2:
            for (std::size_t k = 0; k + 1 < q.size(); k += 2) pauli_channel(pauli_terms({q[k], q[k + 1]}, p));
            break;
        case Gate::kDepolarize3:
            for (std::size_t k = 0; k + 2 < q.size(); k += 3) pauli_channel(pauli_terms({q[k], q[k + 1], q[k + 2]}, p));
            break;
        case Gate::kDetector: {
            std::uint64_t mask = 0;
            for (const Target& t : in.targets) mask ^= bit(measured_ - t.value);
            detectors_.push_back(mask);
            break;
        }
        case Gate::kObservableInclude: {
            std::size_t index = std::size_t(in.args[0]);
            if (observables_.size() <= index) observables_.resize(index + 1, 0);
            for (const Target& t : in.targets) observables_[index] ^= bit(measured_ - t.value);
            break;
        }
        default: break;  // TICK, coordinates
    }
}

}  // namespace qdes::quantum
