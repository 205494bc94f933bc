#include "protocols/lec/batch.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "sim/random.h"

namespace qdes::lec {

void check_options(const LecOptions& o) {
    if (o.L < 2) throw std::invalid_argument("a local rule needs L >= 2");
    if (o.shots == 0) throw std::invalid_argument("a lifetime study needs at least one shot");
    if (o.max_rounds == 0) throw std::invalid_argument("a lifetime study needs at least one round");
}

void LecBatch::start(std::size_t shots) {
    if (shots == 0 || shots > capacity_) throw std::invalid_argument("batch size out of range");
    shots_ = shots;
    words_ = (shots + 63) / 64;
    alive_.assign(words_, 0);
    for (std::size_t s = 0; s < shots; ++s) alive_[s / 64] |= std::uint64_t(1) << (s % 64);
    wrong_.assign(words_, 0);
    failed_at_.assign(shots, 0);
    round_ = 0;
    restart();
}

bool LecBatch::step() {
    ++round_;
    std::fill(wrong_.begin(), wrong_.end(), 0);
    advance(wrong_.data());
    bool any_alive = false;
    for (std::size_t w = 0; w < words_; ++w) {
        // Bits past the last shot of the batch may be set by a subclass; alive_ never has them.
        std::uint64_t newly = wrong_[w] & alive_[w];
        alive_[w] &= ~newly;
        any_alive |= alive_[w] != 0;
        while (newly) {
            const unsigned s = unsigned(std::countr_zero(newly));
            newly &= newly - 1;
            failed_at_[w * 64 + s] = round_;
        }
    }
    return any_alive;
}

std::uint64_t LecBatch::shot_mask(std::size_t w) const {
    return (w + 1) * 64 <= shots_ ? ~std::uint64_t(0) : (std::uint64_t(1) << (shots_ % 64)) - 1;
}

std::uint64_t LecBatch::correct_now() const {
    std::uint64_t wrong = 0;
    for (std::size_t w = 0; w < words_; ++w) wrong += std::uint64_t(std::popcount(wrong_[w] & shot_mask(w)));
    return shots_ - wrong;
}

std::size_t LecBatch::layers_per_round() const {
    return program_ ? std::size_t(program_->num_layers - 1) : 0;  // the round ends with a TICK
}

void LecBatch::use_round_circuit(const quantum::Circuit& round, const LecOptions& o) {
    program_ = std::make_unique<quantum::Program>(quantum::compile(round));
    capacity_ = o.batch ? o.batch : quantum::default_batch_shots(program_->num_qubits);
    capacity_ = std::min<std::size_t>(capacity_, o.shots);
    seed_ = o.seed;
    sim_ = std::make_unique<quantum::FrameSimulator>(*program_, capacity_, o.seed, o.stream);
    sim_->set_layer_aligned_noise(o.aligned_noise);
}

FailureTimes run_lifetimes(LecBatch& batch, const LecOptions& o) {
    FailureTimes out{std::vector<double>(o.shots, double(o.max_rounds)), std::vector<std::uint8_t>(o.shots, 1)};
    for (std::uint64_t first = 0, k = 0; first < o.shots; first += batch.capacity(), ++k) {
        const std::size_t n = std::size_t(std::min<std::uint64_t>(batch.capacity(), o.shots - first));
        if (o.stream_per_batch) batch.restart_stream(batch_stream(o, k));
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

std::uint64_t batch_stream(const LecOptions& o, std::uint64_t k) { return derive_seed(o.stream, k); }

void LecBatch::restart_stream(std::uint64_t stream) {
    if (sim_) sim_->restart_stream(stream);
}

void LecBatch::save_state(StateWriter& w) const {
    w.u64(undecided_);
    w.flag(sim_ != nullptr);
    if (sim_) sim_->rng().save_state(w);
}

void LecBatch::restore_state(StateReader& r) {
    undecided_ = r.u64();
    if (r.flag() != (sim_ != nullptr)) throw CheckpointError("the saved batch ran another kind of rule");
    if (sim_) sim_->rng().restore_state(r);
}

}  // namespace qdes::lec
