#include "protocols/lec/toom.h"

#include <bit>
#include <stdexcept>
#include <vector>

#include "models/quantum/codes/css_code.h"

namespace qdes::lec {

void shots_over(const std::uint64_t* base, std::size_t stride, std::size_t rows, std::size_t words, std::uint64_t limit,
                std::uint64_t* out) {
    quantum::ShotCounts counts(rows, words);
    for (std::size_t r = 0; r < rows; ++r) counts.add(base + r * stride);
    counts.above(limit, out);
}

namespace {

void check(const ToomOptions& o) {
    if (o.L < 2) throw std::invalid_argument("Toom's rule needs L >= 2");
    if (o.shots == 0) throw std::invalid_argument("a lifetime study needs at least one shot");
    if (o.max_rounds == 0) throw std::invalid_argument("a lifetime study needs at least one round");
}

}  // namespace

ToomBatch::ToomBatch(ToomRule rule, const ToomOptions& o, const quantum::NoiseModel& noise, const LecRule* custom)
    : rule_(rule), L_(o.L), q_(noise.p) {
    check(o);
    const std::uint32_t N = L_ * L_;
    if (custom && rule != ToomRule::kCircuit) throw std::invalid_argument("a rule file describes a circuit rule");
    if (rule == ToomRule::kCircuit) {
        // One round, applied again and again to the same frames: the memory circuit's loop body, or the rule's.
        quantum::Circuit round;
        if (custom) {
            round = lec_round_circuit(*custom, o.L, noise);
        } else {
            quantum::Circuit full = quantum::toom_memory_circuit(o.L, 1, noise);
            round.source = full.source;
            round.blocks = {full.blocks[1]};
        }
        program_ = std::make_unique<quantum::Program>(quantum::compile(round));
        capacity_ = o.batch ? o.batch : quantum::default_batch_shots(program_->num_qubits);
        capacity_ = std::min<std::size_t>(capacity_, o.shots);
        sim_ = std::make_unique<quantum::FrameSimulator>(*program_, capacity_, o.seed, o.stream);
    } else {
        if (!(q_ >= 0 && q_ <= 1)) throw std::invalid_argument("the flip probability must be in [0, 1]");
        capacity_ = std::min<std::size_t>(o.batch ? o.batch : 16384, o.shots);
        a_.resize(N, capacity_);
        b_.resize(N, capacity_);
        rng_ = std::make_unique<quantum::FastRng>(RandomStream(o.seed, o.stream));
        gap_ = std::make_unique<quantum::GeometricSampler>(q_);
    }
}

void ToomBatch::start(std::size_t shots) {
    if (shots == 0 || shots > capacity_) throw std::invalid_argument("batch size out of range");
    shots_ = shots;
    words_ = (shots + 63) / 64;
    alive_.assign(words_, 0);
    for (std::size_t s = 0; s < shots; ++s) alive_[s / 64] |= std::uint64_t(1) << (s % 64);
    over_.assign(words_, 0);
    failed_at_.assign(shots, 0);
    round_ = 0;
    if (sim_)
        sim_->start();
    else
        a_.clear();
}

bool ToomBatch::step() {
    ++round_;
    const std::uint32_t L = L_, N = L * L;
    if (sim_) {
        sim_->run_again();
        // The reference never flips a data bit, so a data qubit's X frame is its value.
        shots_over(sim_->x_frame().row(0), sim_->x_frame().words(), N, words_, N / 2, over_.data());
    } else {
        for (std::uint32_t row = 0; row < L; ++row)
            for (std::uint32_t col = 0; col < L; ++col) {
                const std::uint64_t* self = a_.row(row * L + col);
                const std::uint64_t* north = a_.row(((row + L - 1) % L) * L + col);
                const std::uint64_t* east = a_.row(row * L + (col + 1) % L);
                std::uint64_t* dst = b_.row(row * L + col);
                for (std::size_t w = 0; w < words_; ++w)
                    dst[w] = (self[w] & north[w]) | (self[w] & east[w]) | (north[w] & east[w]);
            }
        std::swap(a_, b_);
        quantum::for_each_hit_2d(*rng_, *gap_, N, words_ * 64, [&](std::uint64_t site, std::uint64_t s) {
            a_.row(site)[s >> 6] ^= std::uint64_t(1) << (s & 63);
        });
        shots_over(a_.row(0), a_.words(), N, words_, N / 2, over_.data());
    }
    check_failures();
    for (std::uint64_t w : alive_)
        if (w) return true;
    return false;
}

std::uint64_t ToomBatch::correct_now() const {
    std::uint64_t wrong = 0;
    for (std::uint64_t w : over_) wrong += std::uint64_t(std::popcount(w));
    return shots_ - wrong;
}

void ToomBatch::check_failures() {
    for (std::size_t w = 0; w < words_; ++w) {
        std::uint64_t newly = over_[w] & alive_[w];
        alive_[w] &= ~newly;
        while (newly) {
            const unsigned s = unsigned(std::countr_zero(newly));
            newly &= newly - 1;
            failed_at_[w * 64 + s] = round_;
        }
    }
}

FailureTimes toom_lifetimes(ToomRule rule, const ToomOptions& o, const quantum::NoiseModel& noise,
                            const LecRule* custom) {
    ToomBatch batch(rule, o, noise, custom);
    FailureTimes out{std::vector<double>(o.shots, double(o.max_rounds)), std::vector<std::uint8_t>(o.shots, 1)};
    for (std::uint64_t first = 0; first < o.shots; first += batch.capacity()) {
        const std::size_t n = std::size_t(std::min<std::uint64_t>(batch.capacity(), o.shots - first));
        batch.start(n);
        while (batch.round() < o.max_rounds && batch.step()) {
        }
        for (std::size_t s = 0; s < n; ++s)
            if (batch.failed_at()[s]) {
                out.times[first + s] = double(batch.failed_at()[s]);
                out.censored[first + s] = 0;
            }
    }
    return out;
}

FailureTimes toom_circuit_lifetimes(const ToomOptions& o, const quantum::NoiseModel& noise) {
    return toom_lifetimes(ToomRule::kCircuit, o, noise);
}

FailureTimes toom_automaton_lifetimes(const ToomOptions& o, double q) {
    quantum::NoiseModel flips;
    flips.p = q;
    return toom_lifetimes(ToomRule::kAutomaton, o, flips);
}

}  // namespace qdes::lec
