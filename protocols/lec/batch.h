#pragma once
/// A batch of memories under a local error correction rule, advanced one round at a time and bit-parallel over the
/// shots (so a kernel component can spend simulated time on each round). This class keeps the books every LEC
/// protocol shares: which shots are alive, the round each failed at, how many are correct now. A subclass runs the
/// rule and says, after each round, which shots are logically wrong.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/quantum/circuit.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/program.h"
#include "sim/checkpoint.h"
#include "sim/lifetime.h"

namespace qdes::lec {

struct LecOptions {
    std::uint32_t L = 8;
    std::uint64_t max_rounds = 1000;  ///< shots alive after this many rounds are censored
    std::uint64_t shots = 1024;
    std::uint64_t seed = 1;
    std::uint64_t stream = 0;
    std::size_t batch = 0;  ///< shots advanced together; 0: sized to the circuit
    /// Circuit rules: layer-aligned noise (FrameSimulator::set_layer_aligned_noise), so that rules sharing layers
    /// share their noise: common random numbers for comparing rules. Not for checkpointed studies.
    bool aligned_noise = false;
    /// Batch k draws its noise from a stream of its own, batch_stream(o, k), instead of one stream running on
    /// from batch to batch, so that batches can run on threads in any order (lec_memory).
    bool stream_per_batch = false;
};

/// One set bit of a memory's state, for spacetime histories: a data error or a fired syndrome bit (an ancilla, or
/// for the automaton a domain wall), with its lattice coordinates.
struct SiteBit {
    enum What : std::uint8_t { kError = 0, kSyndrome = 1 };
    What what = kError;
    /// The Ising memory: 0 for a spin; for a syndrome bit the ancilla kind (Toom: 0 north, 1 east; a rule file: its
    /// ancillas in file order). The 4D toric code: the plaquette's pair of directions (0..5, toric4d_code's order)
    /// or the edge's direction (0..3).
    std::uint8_t type = 0;
    std::array<std::uint16_t, 4> x{};  ///< Ising: (row, column); the 4D torus: (x0, x1, x2, x3)
};

class LecBatch {
  public:
    virtual ~LecBatch() = default;
    std::size_t capacity() const { return capacity_; }
    /// Starts `shots` (at most capacity()) fresh memories.
    void start(std::size_t shots);
    /// Runs one round; returns false once every shot of the batch has failed.
    bool step();
    std::uint64_t round() const { return round_; }
    /// Failure round of each shot of the batch, 0 while alive.
    const std::vector<std::uint64_t>& failed_at() const { return failed_at_; }
    /// Shots of the batch whose logical state is correct after the last round (failed shots may have recovered).
    std::uint64_t correct_now() const;
    /// Logical readouts (shot-rounds) since construction whose noiseless rule hit its bound with a syndrome left
    /// (the 4D toric code's readout; protocols/lec/toric4d.h says how they are read). 0 for the Ising memory.
    std::uint64_t undecided() const { return undecided_; }
    /// Gate layers of one round (0 for an automaton, which has no gates).
    std::size_t layers_per_round() const;
    /// The set error and syndrome bits of shot `shot` of the batch after the last round (appended to `out`).
    virtual void state_of(std::size_t shot, std::vector<SiteBit>& out) const = 0;
    /// Draws the noise of the batches from now on from the stream keyed by (seed, `stream`), from its start:
    /// batches on threads each restart on a stream of their own (lec_memory: batch k on a stream keyed by k).
    virtual void restart_stream(std::uint64_t stream);
    /// Checkpoints, between batches only: what carries from one batch to the next (the noise generator's
    /// position, the counts kept since construction). A subclass with more adds to it.
    virtual void save_state(StateWriter& w) const;
    virtual void restore_state(StateReader& r);

  protected:
    LecBatch() = default;
    /// Fresh memories for shots [0, shots()).
    virtual void restart() = 0;
    /// One noisy round; then sets bit s of wrong[w] when shot 64 w + s is logically wrong now (words() words).
    virtual void advance(std::uint64_t* wrong) = 0;
    std::size_t shots() const { return shots_; }
    std::size_t words() const { return words_; }
    /// The bits of word w that belong to shots of the batch.
    std::uint64_t shot_mask(std::size_t w) const;
    /// For circuit rules: compiles `round` (a circuit ending with a TICK, applied again and again to the same
    /// frames), sizes the batch to it (o.batch, else the engine's default for its qubits, at most o.shots) and
    /// makes the frame simulator.
    void use_round_circuit(const quantum::Circuit& round, const LecOptions& o);

    std::size_t capacity_ = 0;
    std::uint64_t seed_ = 0;                       ///< the run seed (LecOptions::seed), for restart_stream
    std::unique_ptr<quantum::Program> program_;    ///< circuit rules only
    std::unique_ptr<quantum::FrameSimulator> sim_;  ///< circuit rules only
    std::uint64_t undecided_ = 0;

  private:
    std::size_t shots_ = 0, words_ = 0;
    std::uint64_t round_ = 0;
    std::vector<std::uint64_t> alive_, wrong_, failed_at_;
};

/// Lifetimes of o.shots shots, batch after batch, each run to o.max_rounds or until all its shots failed; shots
/// alive at the cap are censored there; with o.stream_per_batch, batch k on batch_stream(o, k), as lec_memory runs
/// it.
FailureTimes run_lifetimes(LecBatch& batch, const LecOptions& o);

/// The noise stream of batch k under LecOptions::stream_per_batch.
std::uint64_t batch_stream(const LecOptions& o, std::uint64_t k);

/// Rejects options no study can run (L < 2, no shots, no rounds); std::invalid_argument.
void check_options(const LecOptions& o);

}  // namespace qdes::lec
