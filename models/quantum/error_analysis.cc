#include "models/quantum/error_analysis.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <map>
#include <unordered_map>

#include "models/quantum/frame_kernels.h"

namespace qdes::quantum {

namespace {

struct SymptomHash {
    std::size_t operator()(const DemSymptom& s) const {
        std::uint64_t h = s.observables * 0x9E3779B97F4A7C15ull;
        for (std::uint32_t d : s.detectors) h = (h ^ d) * 0x100000001B3ull + (h >> 29);
        return std::size_t(h);
    }
};

/// One merged mechanism while the analysis runs.
struct Entry {
    double p = 0;
    std::vector<DemSymptom> parts;  ///< candidate parts: the X and Z components' symptoms
    int line = 0;
    const char* gate = "";
};

double per_channel(OpCode code, double p, int line, const std::string& source) {
    auto check = [&](double max, const char* name) {
        if (p > max)
            throw CircuitError(source, line,
                               std::string(name) + "(" + std::to_string(p) + "): a probability above " +
                                   std::to_string(max) + " is not a depolarizing channel that independent Pauli "
                                   "errors can make, so it has no detector error model");
    };
    switch (code) {
        case OpCode::kDepolarize1: check(0.75, "DEPOLARIZE1"); return 0.5 - 0.5 * std::sqrt(1 - 4 * p / 3);
        case OpCode::kDepolarize2: check(15.0 / 16, "DEPOLARIZE2"); return 0.5 - 0.5 * std::pow(1 - 16 * p / 15, 0.125);
        case OpCode::kDepolarize3:
            check(63.0 / 64, "DEPOLARIZE3");
            return 0.5 - 0.5 * std::pow(1 - 64 * p / 63, 1.0 / 32);
        default: return p;
    }
}

const char* op_name(OpCode c) {
    switch (c) {
        case OpCode::kXError: return "X_ERROR";
        case OpCode::kYError: return "Y_ERROR";
        case OpCode::kZError: return "Z_ERROR";
        case OpCode::kDepolarize1: return "DEPOLARIZE1";
        case OpCode::kDepolarize2: return "DEPOLARIZE2";
        case OpCode::kDepolarize3: return "DEPOLARIZE3";
        case OpCode::kR: return "R";
        case OpCode::kRX: return "RX";
        case OpCode::kM: return "M";
        case OpCode::kMX: return "MX";
        case OpCode::kMR: return "MR";
        case OpCode::kMRX: return "MRX";
        default: return "gate";
    }
}

/// Single faults run forward, each in its own column of a Pauli frame, through the same word kernels as the frame
/// simulator: exact for every single fault of a circuit with CCX, CCZ or MCX, including a fault that reaches
/// several controls of one gate (a data error copied onto two ancillas that a CCX then corrects). The faults are
/// those of the backward pass (each channel's independent Paulis with their probabilities, and measurement flips),
/// taken 1024 columns at a time, so the cost is the circuit's length times faults / 1024.
class ForwardAnalysis {
  public:
    /// fault(p, line, gate, all, x, z): the symptom of the whole fault and, when parts are asked for and it has
    /// both, of its X and its Z component alone.
    using Sink = std::function<void(double, int, const char*, DemSymptom, DemSymptom, DemSymptom)>;

    ForwardAnalysis(const Program& p, bool parts)
        : p_(p), parts_(parts), ring_size_(std::size_t(p.max_lookback) + 1) {}

    void run(const Sink& sink) {
        enumerate_ = true;
        walk(0, p_.ops.size());
        enumerate_ = false;
        x_.assign(std::size_t(p_.num_qubits) * kWords, 0);
        z_.assign(x_.size(), 0);
        ring_.assign(ring_size_ * kWords, 0);
        for (std::size_t lo = 0; lo < faults_.size();) {
            // Columns for faults [lo, hi): one each, three for a fault whose X and Z parts are both wanted.
            std::size_t hi = lo, cols = 0;
            while (hi < faults_.size() && cols + faults_[hi].columns <= kWords * 64) cols += faults_[hi++].columns;
            lo_ = lo;
            hi_ = hi;
            column_.assign(hi - lo, 0);
            for (std::size_t f = lo, c = 0; f < hi; c += faults_[f++].columns) column_[f - lo] = std::uint32_t(c);
            symptoms_.assign(cols, DemSymptom{});
            std::fill(x_.begin(), x_.end(), 0);
            std::fill(z_.begin(), z_.end(), 0);
            std::fill(ring_.begin(), ring_.end(), 0);
            next_ = measured_ = detected_ = 0;
            live_ = false;
            walk(0, p_.ops.size());
            for (std::size_t f = lo; f < hi; ++f) {
                const Fault& ft = faults_[f];
                const std::uint32_t c = column_[f - lo];
                sink(ft.p, ft.line, ft.gate, std::move(symptoms_[c]), ft.columns == 3 ? symptoms_[c + 1] : DemSymptom{},
                     ft.columns == 3 ? symptoms_[c + 2] : DemSymptom{});
            }
            lo = hi;
        }
    }

  private:
    static constexpr std::size_t kWords = 16;
    struct Fault {
        double p;
        int line;
        const char* gate;
        std::uint32_t columns;
    };

    void walk(std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const Op& op = p_.ops[i];
            if (op.code == OpCode::kLoopBegin) {
                for (std::uint64_t r = 0; r < op.aux; ++r) walk(i + 1, op.jump);
                i = op.jump;
                continue;
            }
            apply(op);
        }
    }

    std::uint64_t* row(std::vector<std::uint64_t>& t, std::uint32_t q) { return t.data() + std::size_t(q) * kWords; }
    std::uint64_t* record(std::uint64_t m) { return ring_.data() + (m % ring_size_) * kWords; }
    static void flip(std::uint64_t* r, std::uint32_t col) { r[col >> 6] ^= std::uint64_t(1) << (col & 63); }

    void apply(const Op& op) {
        const std::uint32_t* t = p_.targets.data() + op.begin;
        const std::size_t n = op.end - op.begin;
        const bool gates = live_ && !enumerate_;
        std::uint64_t* x = x_.data();
        std::uint64_t* z = z_.data();
        switch (op.code) {
            case OpCode::kH: if (gates) kernels::h(x, z, kWords, t, n); break;
            case OpCode::kS: if (gates) kernels::s(x, z, kWords, t, n); break;
            case OpCode::kCX: if (gates) kernels::cx(x, z, kWords, t, n); break;
            case OpCode::kCZ: if (gates) kernels::cz(x, z, kWords, t, n); break;
            case OpCode::kSwap: if (gates) kernels::swap(x, z, kWords, t, n); break;
            case OpCode::kCCX:
                if (gates) kernels::ccx(x, x, kWords, t, n, p_.control_values.data() + op.aux);
                break;
            case OpCode::kCCZ:
                if (gates) kernels::ccx(x, z, kWords, t, n, p_.control_values.data() + op.aux);
                break;
            case OpCode::kMCX:
                if (gates) kernels::mcx(x, x, kWords, t, n, p_.control_values.data() + op.aux);
                break;
            case OpCode::kR:
            case OpCode::kRX:
                // Zero is one frame of the reset state (the other kind of bit carries no information).
                if (gates)
                    for (std::size_t k = 0; k < n; ++k) {
                        std::fill_n(row(x_, t[k]), kWords, 0);
                        std::fill_n(row(z_, t[k]), kWords, 0);
                    }
                break;
            case OpCode::kM:
            case OpCode::kMX:
            case OpCode::kMR:
            case OpCode::kMRX: measure(op, t, n); break;
            case OpCode::kXError:
            case OpCode::kYError:
            case OpCode::kZError:
            case OpCode::kDepolarize1:
            case OpCode::kDepolarize2:
            case OpCode::kDepolarize3: noise(op, t, n); break;
            case OpCode::kDetector:
            case OpCode::kObservable: {
                if (enumerate_) break;
                const std::uint64_t index = op.code == OpCode::kDetector ? detected_++ : op.aux;
                if (!live_) break;
                std::uint64_t acc[kWords] = {};
                for (std::size_t k = 0; k < n; ++k) kernels::xor_into(acc, record(measured_ - t[k]), kWords);
                for (std::size_t w = 0; w < kWords; ++w)
                    for (std::uint64_t bits = acc[w]; bits != 0; bits &= bits - 1) {
                        DemSymptom& s = symptoms_[w * 64 + std::size_t(std::countr_zero(bits))];
                        if (op.code == OpCode::kDetector) s.detectors.push_back(std::uint32_t(index));
                        else s.observables ^= std::uint64_t(1) << index;
                    }
                break;
            }
            default: break;  // TICK
        }
    }

    void measure(const Op& op, const std::uint32_t* t, std::size_t n) {
        const bool x_basis = op.code == OpCode::kMX || op.code == OpCode::kMRX;
        const bool resets = op.code == OpCode::kMR || op.code == OpCode::kMRX;
        for (std::size_t k = 0; k < n; ++k) {
            if (enumerate_) {
                if (op.p > 0) faults_.push_back({op.p, op.line, op_name(op.code), 1});
                continue;
            }
            std::uint64_t* r = record(measured_++);
            std::uint64_t* flips = row(x_basis ? z_ : x_, t[k]);
            std::uint64_t* other = row(x_basis ? x_ : z_, t[k]);
            kernels::copy(r, flips, kWords);
            if (resets) std::fill_n(flips, kWords, 0);
            std::fill_n(other, kWords, 0);  // the collapsed qubit is an eigenstate of the measured Pauli
            if (op.p > 0) {
                if (next_ >= lo_ && next_ < hi_) {
                    flip(r, column_[next_ - lo_]);
                    live_ = true;
                }
                ++next_;
            }
        }
    }

    void noise(const Op& op, const std::uint32_t* t, std::size_t n) {
        const std::size_t arity = op.code == OpCode::kDepolarize2 ? 2 : op.code == OpCode::kDepolarize3 ? 3 : 1;
        const bool depolarizing =
            op.code == OpCode::kDepolarize1 || op.code == OpCode::kDepolarize2 || op.code == OpCode::kDepolarize3;
        const std::uint32_t fixed = op.code == OpCode::kXError ? 1 : op.code == OpCode::kZError ? 2 : 3;
        const double q = per_channel(op.code, op.p, op.line, p_.source);
        if (q == 0) return;
        for (std::size_t k = 0; k + arity <= n; k += arity) {
            const std::uint32_t first = depolarizing ? 1 : fixed, last = depolarizing ? (1u << (2 * arity)) - 1 : fixed;
            for (std::uint32_t bits = first; bits <= last; ++bits) {
                const std::uint32_t xbits = bits & 0x15u, zbits = bits & 0x2Au;  // x_j at bit 2j, z_j at 2j + 1
                if (enumerate_) {
                    faults_.push_back({q, op.line, op_name(op.code), parts_ && xbits && zbits ? 3u : 1u});
                    continue;
                }
                if (next_ >= lo_ && next_ < hi_) {
                    const std::uint32_t c = column_[next_ - lo_];
                    inject(t + k, arity, bits, c);
                    if (faults_[next_].columns == 3) {
                        inject(t + k, arity, xbits, c + 1);
                        inject(t + k, arity, zbits, c + 2);
                    }
                    live_ = true;
                }
                ++next_;
            }
        }
    }

    void inject(const std::uint32_t* qubits, std::size_t arity, std::uint32_t bits, std::uint32_t col) {
        for (std::size_t j = 0; j < arity; ++j) {
            if ((bits >> (2 * j)) & 1) flip(row(x_, qubits[j]), col);
            if ((bits >> (2 * j + 1)) & 1) flip(row(z_, qubits[j]), col);
        }
    }

    const Program& p_;
    const bool parts_;
    const std::size_t ring_size_;
    bool enumerate_ = false, live_ = false;
    std::vector<Fault> faults_;
    std::size_t lo_ = 0, hi_ = 0;          ///< the faults of this pass
    std::vector<std::uint32_t> column_;    ///< per fault of the pass: its first column
    std::vector<DemSymptom> symptoms_;     ///< per column
    std::vector<std::uint64_t> x_, z_, ring_;
    std::uint64_t next_ = 0, measured_ = 0, detected_ = 0;
};

class BackwardAnalysis {
  public:
    explicit BackwardAnalysis(const Program& p)
        : p_(p), xs_(p.num_qubits), zs_(p.num_qubits), pending_(p.num_measurements) {}

    DetectorErrorModel run(const ErrorAnalysisOptions& options) {
        measured_ = p_.num_measurements;
        detected_ = p_.num_detectors;
        walk(0, p_.ops.size());
        for (std::uint32_t q = 0; q < p_.num_qubits; ++q)
            require_empty(zs_[q], 0, "the initial state |0> of qubit " + std::to_string(q));
        if (p_.has_controlled_gates) {
            // The backward pass has checked every detector; the forward one gives the exact symptoms.
            entries_.clear();
            ForwardAnalysis(p_, options.decompose)
                .run([&](double q, int line, const char* gate, DemSymptom all, DemSymptom x, DemSymptom z) {
                    add(q, line, gate, std::move(all), std::move(x), std::move(z));
                });
        }
        DetectorErrorModel model;
        model.source = p_.source;
        model.num_detectors = p_.num_detectors;
        model.num_observables = p_.num_observables;
        if (options.decompose) decompose_all();
        model.errors.reserve(entries_.size());
        for (auto& [symptom, e] : entries_) {
            DemErrorMechanism m;
            m.p = e.p;
            m.line = e.line;
            m.parts = symptom.detectors.size() <= 2 || !options.decompose ? std::vector<DemSymptom>{symptom}
                                                                          : std::move(e.parts);
            model.errors.push_back(std::move(m));
        }
        merge_equal_errors(model);  // drops the empty and sorts
        return model;
    }

  private:
    void walk(std::size_t begin, std::size_t end) {
        for (std::size_t i = end; i-- > begin;) {
            const Op& op = p_.ops[i];
            if (op.code == OpCode::kLoopEnd) {
                const std::size_t first = std::size_t(op.aux);
                const std::uint64_t count = p_.ops[first - 1].aux;
                for (std::uint64_t r = 0; r < count; ++r) walk(first, i);
                i = first - 1;
                continue;
            }
            apply(op);
        }
    }

    const std::uint32_t* targets(const Op& op) const { return p_.targets.data() + op.begin; }

    void apply(const Op& op) {
        const std::uint32_t* t = targets(op);
        const std::size_t n = op.end - op.begin;
        switch (op.code) {
            case OpCode::kH:
                for (std::size_t k = n; k-- > 0;) std::swap(xs_[t[k]], zs_[t[k]]);
                break;
            case OpCode::kS:
                for (std::size_t k = n; k-- > 0;) xor_into(xs_[t[k]], zs_[t[k]]);
                break;
            case OpCode::kCX:
                for (std::size_t k = n; k >= 2; k -= 2) {
                    xor_into(xs_[t[k - 2]], xs_[t[k - 1]]);
                    xor_into(zs_[t[k - 1]], zs_[t[k - 2]]);
                }
                break;
            case OpCode::kCZ:
                for (std::size_t k = n; k >= 2; k -= 2) {
                    xor_into(xs_[t[k - 2]], zs_[t[k - 1]]);
                    xor_into(xs_[t[k - 1]], zs_[t[k - 2]]);
                }
                break;
            case OpCode::kSwap:
                for (std::size_t k = n; k >= 2; k -= 2) {
                    std::swap(xs_[t[k - 2]], xs_[t[k - 1]]);
                    std::swap(zs_[t[k - 2]], zs_[t[k - 1]]);
                }
                break;
            case OpCode::kCCX:
            case OpCode::kCCZ: {
                const std::uint8_t* v = p_.control_values.data() + op.aux;
                for (std::size_t k = n, g = n / 3; k >= 3; k -= 3) {
                    --g;
                    const DemSymptom& reach = op.code == OpCode::kCCX ? xs_[t[k - 1]] : zs_[t[k - 1]];
                    if (v[2 * g + 1]) xor_into(xs_[t[k - 3]], reach);
                    if (v[2 * g]) xor_into(xs_[t[k - 2]], reach);
                }
                break;
            }
            case OpCode::kMCX: {
                const std::uint8_t* v = p_.control_values.data() + op.aux;
                std::size_t zeros = 0;
                for (std::size_t k = 0; k + 1 < n; ++k) zeros += v[k] == 0;
                for (std::size_t k = 0; k + 1 < n; ++k)
                    if (zeros == 0 || (zeros == 1 && v[k] == 0)) xor_into(xs_[t[k]], xs_[t[n - 1]]);
                break;
            }
            case OpCode::kR:
            case OpCode::kRX:
                for (std::size_t k = n; k-- > 0;) reset(op, t[k]);
                break;
            case OpCode::kM:
            case OpCode::kMX:
            case OpCode::kMR:
            case OpCode::kMRX: measure(op); break;
            case OpCode::kXError:
            case OpCode::kYError:
            case OpCode::kZError:
            case OpCode::kDepolarize1:
            case OpCode::kDepolarize2:
            case OpCode::kDepolarize3: noise(op); break;
            case OpCode::kDetector: {
                --detected_;
                DemSymptom d;
                d.detectors.push_back(std::uint32_t(detected_));
                for (std::size_t k = 0; k < n; ++k) xor_into(pending_[measured_ - t[k]], d);
                break;
            }
            case OpCode::kObservable: {
                DemSymptom o;
                o.observables = std::uint64_t(1) << op.aux;
                for (std::size_t k = 0; k < n; ++k) xor_into(pending_[measured_ - t[k]], o);
                break;
            }
            default: break;  // TICK
        }
    }

    void reset(const Op& op, std::uint32_t q) {
        const bool x_basis = op.code == OpCode::kRX || op.code == OpCode::kMRX;
        require_empty(x_basis ? xs_[q] : zs_[q], op.line,
                      std::string("the ") + op_name(op.code) + " of qubit " + std::to_string(q));
        xs_[q] = {};
        zs_[q] = {};
    }

    void measure(const Op& op) {
        const bool x_basis = op.code == OpCode::kMX || op.code == OpCode::kMRX;
        const bool resets = op.code == OpCode::kMR || op.code == OpCode::kMRX;
        const std::uint32_t* t = targets(op);
        const std::size_t n = op.end - op.begin;
        for (std::size_t k = n; k-- > 0;) {
            const std::uint32_t q = t[k];
            --measured_;
            if (resets) reset(op, q);
            // The collapsed qubit is an eigenstate of the measured Pauli: the other kind of fault must not matter.
            require_empty(x_basis ? xs_[q] : zs_[q], op.line,
                          std::string("the ") + op_name(op.code) + " of qubit " + std::to_string(q));
            DemSymptom& result = pending_[measured_];
            xor_into(x_basis ? zs_[q] : xs_[q], result);
            if (op.p > 0) add(op.p, op.line, op_name(op.code), x_basis ? DemSymptom{} : result,
                              x_basis ? result : DemSymptom{});
            result = {};
        }
    }

    void noise(const Op& op) {
        const std::uint32_t* t = targets(op);
        const std::size_t n = op.end - op.begin;
        const double q = per_channel(op.code, op.p, op.line, p_.source);
        const char* name = op_name(op.code);
        auto pauli = [&](const std::uint32_t* qubits, std::size_t arity, std::uint32_t bits) {
            DemSymptom x, z;  // bits: x_0 z_0 x_1 z_1 ...
            for (std::size_t j = 0; j < arity; ++j) {
                if ((bits >> (2 * j)) & 1) xor_into(x, xs_[qubits[j]]);
                if ((bits >> (2 * j + 1)) & 1) xor_into(z, zs_[qubits[j]]);
            }
            add(q, op.line, name, std::move(x), std::move(z));
        };
        switch (op.code) {
            case OpCode::kXError:
                for (std::size_t k = 0; k < n; ++k) pauli(t + k, 1, 1);
                break;
            case OpCode::kZError:
                for (std::size_t k = 0; k < n; ++k) pauli(t + k, 1, 2);
                break;
            case OpCode::kYError:
                for (std::size_t k = 0; k < n; ++k) pauli(t + k, 1, 3);
                break;
            case OpCode::kDepolarize1:
            case OpCode::kDepolarize2:
            case OpCode::kDepolarize3: {
                const std::size_t arity = op.code == OpCode::kDepolarize1 ? 1 : op.code == OpCode::kDepolarize2 ? 2 : 3;
                for (std::size_t k = 0; k + arity <= n; k += arity)
                    for (std::uint32_t bits = 1; bits < (1u << (2 * arity)); ++bits) pauli(t + k, arity, bits);
                break;
            }
            default: break;
        }
    }

    /// A mechanism with probability p whose X component flips `x` and Z component `z`.
    void add(double p, int line, const char* gate, DemSymptom x, DemSymptom z) {
        DemSymptom all = xor_symptoms(x, z);
        add(p, line, gate, std::move(all), std::move(x), std::move(z));
    }

    /// The same with the whole fault's symptom `all`, which differs from x XOR z when the two components meet at
    /// the controls of one CCX (the parts are then the whole).
    void add(double p, int line, const char* gate, DemSymptom all, DemSymptom x, DemSymptom z) {
        if (all.empty() || p == 0) return;
        if (xor_symptoms(x, z) != all) {
            x = all;
            z = {};
        }
        auto [it, inserted] = entries_.try_emplace(std::move(all));
        Entry& e = it->second;
        if (!inserted) {
            e.p = e.p * (1 - p) + p * (1 - e.p);
            return;
        }
        e.p = p;
        e.line = line;
        e.gate = gate;
        // A component that flips only observables rides with the other one.
        if (x.detectors.empty()) std::swap(x, z);
        if (z.detectors.empty()) {
            x.observables ^= z.observables;
            e.parts = {std::move(x)};
        } else {
            e.parts = {std::move(x), std::move(z)};
        }
    }

    void require_empty(const DemSymptom& s, int line, const std::string& what) const {
        if (s.empty()) return;
        const std::string who = s.detectors.empty()
                                    ? "observable L" + std::to_string(std::countr_zero(s.observables))
                                    : "detector D" + std::to_string(s.detectors.front());
        throw CircuitError(p_.source, line,
                           who + " is not deterministic: it anticommutes with " + what +
                               ", so its noiseless value is random and it has no detector error model");
    }

    /// Splits the parts of every error larger than a graphlike one into symptoms of single graphlike errors.
    void decompose_all() {
        std::map<std::vector<std::uint32_t>, std::vector<std::uint64_t>> graphlike;
        for (const auto& [s, e] : entries_)
            if (!s.detectors.empty() && s.detectors.size() <= 2) graphlike[s.detectors].push_back(s.observables);
        for (auto& [s, e] : entries_) {
            if (s.detectors.size() <= 2) continue;
            std::vector<DemSymptom> out;
            for (const DemSymptom& part : e.parts) {
                if (part.detectors.size() <= 2) {
                    out.push_back(part);
                    continue;
                }
                std::vector<DemSymptom> split;
                if (!split_into(part.detectors, 0, part.observables, graphlike, split))
                    throw CircuitError(p_.source, e.line, undecomposable(s, e));
                out.insert(out.end(), split.begin(), split.end());
            }
            e.parts = std::move(out);
        }
    }

    /// Covers `dets` (ascending) with known graphlike symptoms whose observables XOR to `obs`.
    static bool split_into(std::vector<std::uint32_t> dets, std::uint64_t acc, std::uint64_t obs,
                           const std::map<std::vector<std::uint32_t>, std::vector<std::uint64_t>>& graphlike,
                           std::vector<DemSymptom>& out) {
        if (dets.empty()) return acc == obs;
        const std::uint32_t d = dets[0];
        auto try_piece = [&](std::vector<std::uint32_t> piece) {
            auto it = graphlike.find(piece);
            if (it == graphlike.end()) return false;
            std::vector<std::uint32_t> rest;
            std::set_difference(dets.begin(), dets.end(), piece.begin(), piece.end(), std::back_inserter(rest));
            for (std::uint64_t o : it->second) {
                out.push_back(DemSymptom{piece, o});
                if (split_into(rest, acc ^ o, obs, graphlike, out)) return true;
                out.pop_back();
            }
            return false;
        };
        for (std::size_t j = 1; j < dets.size(); ++j)
            if (try_piece({d, dets[j]})) return true;
        return try_piece({d});
    }

    std::string undecomposable(const DemSymptom& s, const Entry& e) const {
        return std::string(e.gate) + ": an error here flips" + symptom_text(DemSymptom{s.detectors, 0}) +
               ", which cannot be split into parts of at most two detectors that single errors of this circuit "
               "flip, so matching and union-find cannot decode it (analyze without decomposition to see the "
               "hyperedge)";
    }

    const Program& p_;
    std::vector<DemSymptom> xs_, zs_;   ///< per qubit: what an X (Z) fault here flips
    std::vector<DemSymptom> pending_;  ///< per measurement: the detectors and observables that read it
    std::uint64_t measured_ = 0, detected_ = 0;
    std::unordered_map<DemSymptom, Entry, SymptomHash> entries_;
};

void collect_coords(const Circuit& c, std::uint32_t block, std::vector<double>& shift,
                    std::vector<std::vector<double>>& out) {
    for (const Instruction& in : c.blocks[block]) {
        if (in.gate == Gate::kRepeat) {
            for (std::uint64_t r = 0; r < in.repeat_count; ++r) collect_coords(c, in.block, shift, out);
        } else if (in.gate == Gate::kShiftCoords) {
            if (shift.size() < in.args.size()) shift.resize(in.args.size(), 0);
            for (std::size_t k = 0; k < in.args.size(); ++k) shift[k] += in.args[k];
        } else if (in.gate == Gate::kDetector) {
            std::vector<double> v = in.args;
            for (std::size_t k = 0; k < v.size() && k < shift.size(); ++k) v[k] += shift[k];
            out.push_back(std::move(v));
        }
    }
}

}  // namespace

DetectorErrorModel analyze_errors(const Program& program, const ErrorAnalysisOptions& options) {
    return BackwardAnalysis(program).run(options);
}

DetectorErrorModel analyze_errors(const Circuit& circuit, const ErrorAnalysisOptions& options) {
    DetectorErrorModel m = analyze_errors(compile(circuit), options);
    m.detector_coords = detector_coordinates(circuit);
    bool any = false;
    for (const auto& c : m.detector_coords) any = any || !c.empty();
    if (!any) m.detector_coords.clear();
    return m;
}

std::vector<std::vector<double>> detector_coordinates(const Circuit& circuit) {
    std::vector<double> shift;
    std::vector<std::vector<double>> out;
    collect_coords(circuit, 0, shift, out);
    return out;
}

}  // namespace qdes::quantum
