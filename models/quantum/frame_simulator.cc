#include "models/quantum/frame_simulator.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "models/quantum/frame_kernels.h"
#include "models/quantum/noise.h"

namespace qdes::quantum {

std::size_t default_batch_shots(std::uint32_t num_qubits) {
    const std::size_t budget_bits = std::size_t(8) << 20;  // 1 MiB for the X and Z tables together
    std::size_t shots = budget_bits / (2 * std::max<std::uint32_t>(num_qubits, 1));
    shots = std::clamp<std::size_t>(shots, 512, 16384);
    return shots / 512 * 512;
}

FrameSimulator::FrameSimulator(const Program& program, std::size_t shots, std::uint64_t seed, std::uint64_t stream)
    : program_(program),
      shots_(shots),
      words_(BitTable::words_for(shots)),
      rng_(RandomStream(seed, stream)),
      seed_(seed),
      stream_(stream) {
    if (shots == 0) throw std::invalid_argument("a frame simulator needs at least one shot");
    x_.resize(program.num_qubits, shots);
    z_.resize(program.num_qubits, shots);
    std::uint64_t ring = std::bit_ceil(std::max<std::uint64_t>(1, program.max_lookback));
    ring_.resize(ring, shots);
    ring_mask_ = ring - 1;
    detectors_.resize(program.num_detectors, shots);
    observables_.resize(program.num_observables, shots);
    pc_ = program.ops.size();
    // One gap sampler per distinct probability of the program's noise and measurement flips.
    sampler_of_op_.assign(program.ops.size(), 0);
    for (std::size_t i = 0; i < program.ops.size(); ++i) {
        const double p = program.ops[i].p;
        if (p <= 0) continue;
        std::size_t k = 0;
        while (k < samplers_.size() && samplers_[k].p() != p) ++k;
        if (k == samplers_.size()) samplers_.emplace_back(p);
        sampler_of_op_[i] = std::uint32_t(k);
    }
}

const GeometricSampler& FrameSimulator::gap(const Op& op) const {
    return samplers_[sampler_of_op_[std::size_t(&op - program_.ops.data())]];
}

std::uint64_t FrameSimulator::layer_key(std::size_t first) {
    const auto& ops = program_.ops;
    if (layer_hash_.empty()) layer_hash_.assign(ops.size() + 1, 0);
    std::uint64_t& h = layer_hash_[first];
    if (h == 0) {
        // FNV-1a over the layer's operations up to its TICK (or a loop marker): code, probability, targets.
        std::uint64_t v = 14695981039346656037ull;
        auto mix = [&v](std::uint64_t x) {
            for (int i = 0; i < 8; ++i) v = (v ^ ((x >> (8 * i)) & 0xff)) * 1099511628211ull;
        };
        for (std::size_t i = first; i < ops.size(); ++i) {
            const Op& op = ops[i];
            if (op.code == OpCode::kLoopBegin || op.code == OpCode::kLoopEnd) break;
            mix(std::uint64_t(op.code));
            std::uint64_t bits = 0;
            static_assert(sizeof(bits) == sizeof(op.p));
            std::memcpy(&bits, &op.p, sizeof bits);
            mix(bits);
            for (std::uint32_t t = op.begin; t < op.end; ++t) mix(program_.targets[t]);
            if (op.code == OpCode::kTick) break;
        }
        h = v | 1;
    }
    // The how-many-th layer of this content in the run (a round circuit has few layers: a list will do).
    std::uint64_t times = 0;
    const auto it = std::find_if(seen_.begin(), seen_.end(), [&](const auto& e) { return e.first == h; });
    if (it == seen_.end())
        seen_.emplace_back(h, 1);
    else
        times = it->second++;
    return derive_seed(stream_ ^ h, times);
}

void FrameSimulator::randomize(std::uint64_t* row) {
    for (std::size_t w = 0; w < words_; ++w) row[w] = rng_.next_u64();
}

void FrameSimulator::start() {
    x_.clear();
    for (std::uint32_t q = 0; q < program_.num_qubits; ++q) randomize(z_.row(q));
    detectors_.clear();
    observables_.clear();
    pc_ = 0;
    loop_remaining_.clear();
    measured_ = 0;
    detected_ = 0;
    layers_done_ = 0;
    ++batch_;
    run_ = 0;
    seen_.clear();
}

void FrameSimulator::run() {
    start();
    while (step_layer()) {
    }
}

void FrameSimulator::run_again() {
    ++run_;
    seen_.clear();
    pc_ = 0;
    loop_remaining_.clear();
    detected_ = 0;
    detectors_.clear();  // rows restart from 0 and are XORed into
    while (step_layer()) {
    }
}

bool FrameSimulator::step_layer() {
    const auto& ops = program_.ops;
    if (aligned_) rng_ = FastRng(RandomStream(derive_seed(derive_seed(seed_, batch_), run_), layer_key(pc_)));
    while (pc_ < ops.size()) {
        const Op& op = ops[pc_];
        switch (op.code) {
            case OpCode::kLoopBegin:
                loop_remaining_.push_back(op.aux);
                ++pc_;
                break;
            case OpCode::kLoopEnd:
                if (--loop_remaining_.back() > 0) {
                    pc_ = op.aux;
                } else {
                    loop_remaining_.pop_back();
                    ++pc_;
                }
                break;
            case OpCode::kTick:
                ++pc_;
                ++layers_done_;
                return true;
            default:
                execute(op);
                ++pc_;
                break;
        }
    }
    ++layers_done_;
    return false;
}

void FrameSimulator::execute(const Op& op) {
    const std::uint32_t* t = program_.targets.data() + op.begin;
    const std::size_t n = op.end - op.begin;
    std::uint64_t* x = x_.row(0);
    std::uint64_t* z = z_.row(0);
    const std::size_t W = words_;
    switch (op.code) {
        case OpCode::kH: kernels::h(x, z, W, t, n); break;
        case OpCode::kS: kernels::s(x, z, W, t, n); break;
        case OpCode::kCX: kernels::cx(x, z, W, t, n); break;
        case OpCode::kCZ: kernels::cz(x, z, W, t, n); break;
        case OpCode::kSwap: kernels::swap(x, z, W, t, n); break;
        case OpCode::kCCX: kernels::ccx(x, x, W, t, n, program_.control_values.data() + op.aux); break;
        case OpCode::kCCZ: kernels::ccx(x, z, W, t, n, program_.control_values.data() + op.aux); break;
        case OpCode::kMCX: kernels::mcx(x, x, W, t, n, program_.control_values.data() + op.aux); break;
        case OpCode::kR:
        case OpCode::kRX: reset(op); break;
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
            std::uint64_t* d = detectors_.row(detected_++);
            for (std::size_t k = 0; k < n; ++k) kernels::xor_into(d, record_row(measured_ - t[k]), W);
            break;
        }
        case OpCode::kObservable: {
            std::uint64_t* o = observables_.row(op.aux);
            for (std::size_t k = 0; k < n; ++k) kernels::xor_into(o, record_row(measured_ - t[k]), W);
            break;
        }
        default: break;
    }
}

void FrameSimulator::reset(const Op& op) {
    const bool x_basis = op.code == OpCode::kRX;
    for (std::uint32_t k = op.begin; k < op.end; ++k) {
        std::uint32_t q = program_.targets[k];
        // |0> is unchanged by Z, |+> by X: clear the frame bit that matters, randomise the other.
        std::uint64_t* keep = x_basis ? z_.row(q) : x_.row(q);
        std::uint64_t* rnd = x_basis ? x_.row(q) : z_.row(q);
        std::fill(keep, keep + words_, 0);
        randomize(rnd);
    }
}

void FrameSimulator::measure(const Op& op) {
    const bool x_basis = op.code == OpCode::kMX || op.code == OpCode::kMRX;
    const bool resets = op.code == OpCode::kMR || op.code == OpCode::kMRX;
    const std::uint64_t first = measured_;
    for (std::uint32_t k = op.begin; k < op.end; ++k) {
        std::uint32_t q = program_.targets[k];
        std::uint64_t* flips = x_basis ? z_.row(q) : x_.row(q);  // frame bits that flip this measurement
        std::uint64_t* other = x_basis ? x_.row(q) : z_.row(q);
        kernels::copy(record_row(measured_++), flips, words_);
        if (resets) std::fill(flips, flips + words_, 0);
        randomize(other);  // the collapsed qubit's phase carries no information
    }
    if (op.p > 0) {
        for_each_hit_2d(rng_, gap(op), op.end - op.begin, words_ * 64, [&](std::uint64_t r, std::uint64_t s) {
            record_row(first + r)[s >> 6] ^= std::uint64_t(1) << (s & 63);
        });
    }
}

void FrameSimulator::noise(const Op& op) {
    const std::size_t shots = words_ * 64;
    const std::uint32_t* t = program_.targets.data() + op.begin;
    const std::size_t n = op.end - op.begin;
    const std::size_t W = words_;
    std::uint64_t* x = x_.row(0);
    std::uint64_t* z = z_.row(0);
    auto flip = [W](std::uint64_t* table, std::uint32_t q, std::uint64_t s) {
        table[std::size_t(q) * W + (s >> 6)] ^= std::uint64_t(1) << (s & 63);
    };
    switch (op.code) {
        case OpCode::kXError:
            for_each_hit_2d(rng_, gap(op), n, shots, [&](std::uint64_t r, std::uint64_t s) { flip(x, t[r], s); });
            break;
        case OpCode::kZError:
            for_each_hit_2d(rng_, gap(op), n, shots, [&](std::uint64_t r, std::uint64_t s) { flip(z, t[r], s); });
            break;
        case OpCode::kYError:
            for_each_hit_2d(rng_, gap(op), n, shots, [&](std::uint64_t r, std::uint64_t s) {
                flip(x, t[r], s);
                flip(z, t[r], s);
            });
            break;
        case OpCode::kDepolarize1:
            for_each_hit_2d(rng_, gap(op), n, shots, [&](std::uint64_t r, std::uint64_t s) {
                std::uint64_t pauli = rng_.uniform_below(3) + 1;  // 1 X, 2 Z, 3 Y
                if (pauli & 1) flip(x, t[r], s);
                if (pauli & 2) flip(z, t[r], s);
            });
            break;
        case OpCode::kDepolarize2:
            for_each_hit_2d(rng_, gap(op), n / 2, shots, [&](std::uint64_t pair, std::uint64_t s) {
                std::uint64_t pauli = rng_.uniform_below(15) + 1;  // bits: x_a z_a x_b z_b, not all zero
                std::uint32_t a = t[2 * pair], b = t[2 * pair + 1];
                if (pauli & 1) flip(x, a, s);
                if (pauli & 2) flip(z, a, s);
                if (pauli & 4) flip(x, b, s);
                if (pauli & 8) flip(z, b, s);
            });
            break;
        case OpCode::kDepolarize3:
            for_each_hit_2d(rng_, gap(op), n / 3, shots, [&](std::uint64_t group, std::uint64_t s) {
                std::uint64_t pauli = rng_.uniform_below(63) + 1;  // bits: x_a z_a x_b z_b x_c z_c, not all zero
                for (int k = 0; k < 3; ++k) {
                    std::uint32_t q = t[3 * group + std::size_t(k)];
                    if ((pauli >> (2 * k)) & 1) flip(x, q, s);
                    if ((pauli >> (2 * k + 1)) & 1) flip(z, q, s);
                }
            });
            break;
        default: break;
    }
}

}  // namespace qdes::quantum
