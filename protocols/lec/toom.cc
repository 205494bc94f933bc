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

ToomBatch::ToomBatch(ToomRule rule, const LecOptions& o, const quantum::NoiseModel& noise, const LecRule* custom,
                     const BiasedFlips* biased)
    : rule_(rule), L_(o.L), q_(noise.p) {
    check_options(o);
    const std::uint32_t N = L_ * L_;
    if (custom && rule != ToomRule::kCircuit) throw std::invalid_argument("a rule file describes a circuit rule");
    if (biased && rule != ToomRule::kAutomaton)
        throw std::invalid_argument("biased flips apply to the automaton only (the circuit's noise is the engine's)");
    if (biased) {
        for (double r : {biased->up, biased->down})
            if (!(r >= 0 && r <= 1)) throw std::invalid_argument("a flip probability must be in [0, 1]");
        q_ = biased->up;
        down_gap_ = std::make_unique<quantum::GeometricSampler>(biased->down);
    }
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
        use_round_circuit(round, o);
    } else {
        if (!(q_ >= 0 && q_ <= 1)) throw std::invalid_argument("the flip probability must be in [0, 1]");
        capacity_ = std::min<std::size_t>(o.batch ? o.batch : 16384, o.shots);
        a_.resize(N, capacity_);
        b_.resize(N, capacity_);
        if (down_gap_) down_hits_.resize(N, capacity_);
        seed_ = o.seed;
        rng_ = std::make_unique<quantum::FastRng>(RandomStream(o.seed, o.stream));
        gap_ = std::make_unique<quantum::GeometricSampler>(q_);
    }
}

void ToomBatch::state_of(std::size_t shot, std::vector<SiteBit>& out) const {
    const std::uint32_t L = L_, N = L * L;
    const quantum::BitTable& table = sim_ ? sim_->x_frame() : a_;
    auto bit = [&](std::size_t row) { return (table.row(row)[shot / 64] >> (shot % 64)) & 1; };
    auto site = [&](SiteBit::What what, std::size_t type, std::uint32_t s) {
        out.push_back({what, std::uint8_t(type), {std::uint16_t(s / L), std::uint16_t(s % L), 0, 0}});
    };
    for (std::uint32_t s = 0; s < N; ++s)
        if (bit(s)) site(SiteBit::kError, 0, s);
    if (sim_) {
        // The ancillas hold this round's parities (the CCX layer leaves its controls alone), ancilla kind by kind.
        for (std::uint32_t q = N; q < program_->num_qubits; ++q)
            if (bit(q)) site(SiteBit::kSyndrome, q / N - 1, q % N);
        return;
    }
    for (std::uint32_t s = 0; s < N; ++s) {
        const std::uint32_t row = s / L, col = s % L;
        if (bit(s) != bit(((row + L - 1) % L) * L + col)) site(SiteBit::kSyndrome, 0, s);
        if (bit(s) != bit(row * L + (col + 1) % L)) site(SiteBit::kSyndrome, 1, s);
    }
}

void ToomBatch::restart() {
    if (sim_)
        sim_->start();
    else
        a_.clear();
}

void ToomBatch::advance(std::uint64_t* wrong) {
    const std::uint32_t L = L_, N = L * L;
    if (sim_) {
        sim_->run_again();
        // The reference never flips a data bit, so a data qubit's X frame is its value.
        shots_over(sim_->x_frame().row(0), sim_->x_frame().words(), N, words(), N / 2, wrong);
        return;
    }
    for (std::uint32_t row = 0; row < L; ++row)
        for (std::uint32_t col = 0; col < L; ++col) {
            const std::uint64_t* self = a_.row(row * L + col);
            const std::uint64_t* north = a_.row(((row + L - 1) % L) * L + col);
            const std::uint64_t* east = a_.row(row * L + (col + 1) % L);
            std::uint64_t* dst = b_.row(row * L + col);
            for (std::size_t w = 0; w < words(); ++w)
                dst[w] = (self[w] & north[w]) | (self[w] & east[w]) | (north[w] & east[w]);
        }
    std::swap(a_, b_);
    if (!down_gap_) {
        quantum::for_each_hit_2d(*rng_, *gap_, N, words() * 64, [&](std::uint64_t site, std::uint64_t s) {
            a_.row(site)[s >> 6] ^= std::uint64_t(1) << (s & 63);
        });
    } else {
        // Both kinds of hit are drawn for every bit, and each acts only on a bit of its kind's value.
        quantum::BitTable& up = b_;  // free until the next round
        up.clear();
        down_hits_.clear();
        quantum::for_each_hit_2d(*rng_, *gap_, N, words() * 64, [&](std::uint64_t site, std::uint64_t s) {
            up.row(site)[s >> 6] |= std::uint64_t(1) << (s & 63);
        });
        quantum::for_each_hit_2d(*rng_, *down_gap_, N, words() * 64, [&](std::uint64_t site, std::uint64_t s) {
            down_hits_.row(site)[s >> 6] |= std::uint64_t(1) << (s & 63);
        });
        for (std::uint32_t site = 0; site < N; ++site) {
            std::uint64_t* a = a_.row(site);
            const std::uint64_t* u = up.row(site);
            const std::uint64_t* d = down_hits_.row(site);
            for (std::size_t w = 0; w < words(); ++w) a[w] ^= (u[w] & ~a[w]) | (d[w] & a[w]);
        }
    }
    shots_over(a_.row(0), a_.words(), N, words(), N / 2, wrong);
}

FailureTimes toom_lifetimes(ToomRule rule, const LecOptions& o, const quantum::NoiseModel& noise,
                            const LecRule* custom) {
    ToomBatch batch(rule, o, noise, custom);
    return run_lifetimes(batch, o);
}

FailureTimes toom_circuit_lifetimes(const LecOptions& o, const quantum::NoiseModel& noise) {
    return toom_lifetimes(ToomRule::kCircuit, o, noise);
}

FailureTimes toom_automaton_lifetimes(const LecOptions& o, double q) {
    quantum::NoiseModel flips;
    flips.p = q;
    return toom_lifetimes(ToomRule::kAutomaton, o, flips);
}

void ToomBatch::restart_stream(std::uint64_t stream) {
    LecBatch::restart_stream(stream);
    if (rng_) *rng_ = quantum::FastRng(RandomStream(seed_, stream));
}

void ToomBatch::save_state(StateWriter& w) const {
    LecBatch::save_state(w);
    w.flag(rng_ != nullptr);
    if (rng_) rng_->save_state(w);
}

void ToomBatch::restore_state(StateReader& r) {
    LecBatch::restore_state(r);
    if (r.flag() != (rng_ != nullptr)) throw CheckpointError("the saved batch ran another form of Toom's rule");
    if (rng_) rng_->restore_state(r);
}

}  // namespace qdes::lec
