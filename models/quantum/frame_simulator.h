#pragma once
/// The multi-shot Pauli-frame sampler, generalised to classically controlled CCX, CCZ and MCX.
///
/// Each shot's state is a Pauli frame (X and Z error bits per qubit) applied to the noiseless reference run. As in
/// Stim's frame simulator (Gidney, "Stim: a fast stabilizer circuit simulator", Quantum 5, 497 (2021)), a reset or
/// measured qubit gets a random Z frame bit, which leaves its basis state alone but makes later non-deterministic
/// measurements come out random. Detection events and observable flips are parities of the frame bits of the
/// measurements they name, so they need no reference sample. A CCX whose controls are classical is an X on the
/// target when the actual control values (reference value XOR frame bit) are all 1; the frame records the
/// difference from what the reference did.

#include <cstdint>
#include <vector>

#include "models/quantum/bit_table.h"
#include "models/quantum/fast_rng.h"
#include "models/quantum/noise.h"
#include "models/quantum/program.h"
#include "sim/random.h"

namespace qdes::quantum {

/// A batch size that keeps the X and Z frames of `num_qubits` qubits within about 1 MiB (so in the L2 cache),
/// between 512 and 16384 shots, a multiple of 512.
std::size_t default_batch_shots(std::uint32_t num_qubits);

class FrameSimulator {
  public:
    /// `shots` per batch; the tables hold it rounded up to 512. The program must outlive the simulator.
    FrameSimulator(const Program& program, std::size_t shots, std::uint64_t seed, std::uint64_t stream = 0);

    /// Starts a new batch: every qubit |0> (no X frame, random Z frame), no measurements yet.
    void start();
    /// Runs operations up to and including the next TICK. Returns false once the circuit has finished.
    bool step_layer();
    /// start(), then every layer.
    void run();
    /// Runs the whole program again on the current state, as if its text were repeated: for protocols that apply a
    /// round circuit many times and inspect the frames in between. Detector rows restart from 0 (cleared); observables keep accumulating.
    void run_again();
    bool finished() const { return pc_ >= program_.ops.size(); }

    std::size_t shots() const { return shots_; }
    std::uint64_t layers_done() const { return layers_done_; }
    /// Detectors computed so far in this batch (rows [0, detectors_done()) of detectors() are final).
    std::uint64_t detectors_done() const { return detected_; }
    const Program& program() const { return program_; }
    /// Detection events: one row per detector. Valid for the shots [0, shots()).
    const BitTable& detectors() const { return detectors_; }
    /// Observable flips: one row per observable.
    const BitTable& observables() const { return observables_; }
    /// The X and Z frames, one row per qubit (for tests and the quantum_memory component).
    const BitTable& x_frame() const { return x_; }
    const BitTable& z_frame() const { return z_; }
    /// Common random numbers across circuits (for comparing circuits, as the circuit search does): when on, each
    /// layer draws its noise from a stream of its own, keyed by (seed, stream, batch since construction, run of the
    /// program since start(), the layer's content: its operations, targets and probabilities, and how often that
    /// content came before in this run), instead of continuing one stream. Two circuits that share a layer, wherever
    /// it sits in their rounds, then draw the same noise in it in every round, whatever their other layers did;
    /// with one stream a single extra gate shifts every later draw. Off by default; a checkpoint does not keep the
    /// counters, so components that checkpoint leave it off.
    void set_layer_aligned_noise(bool on) { aligned_ = on; }
    /// From now on draws from the stream keyed by (seed, `stream`), from its start, as a new
    /// FrameSimulator(program, shots, seed, stream) would. Batches split across threads each restart on a stream of
    /// their own (batch k on stream k), so the shots do not depend on how many threads there are.
    void restart_stream(std::uint64_t stream) {
        rng_ = FastRng(RandomStream(seed_, stream));
        stream_ = stream;
    }
    /// The noise generator, whose position a checkpoint saves between batches.
    FastRng& rng() { return rng_; }
    const FastRng& rng() const { return rng_; }

  private:
    void execute(const Op& op);
    void measure(const Op& op);
    void reset(const Op& op);
    void noise(const Op& op);
    void randomize(std::uint64_t* row);
    const GeometricSampler& gap(const Op& op) const;
    std::uint64_t* record_row(std::uint64_t index) { return ring_.row(index & ring_mask_); }

    const Program& program_;
    std::size_t shots_;
    std::size_t words_;
    FastRng rng_;
    BitTable x_, z_, ring_, detectors_, observables_;
    std::uint64_t ring_mask_ = 0;
    std::size_t pc_ = 0;
    std::vector<std::uint64_t> loop_remaining_;
    std::uint64_t measured_ = 0;
    std::uint64_t detected_ = 0;
    std::uint64_t layers_done_ = 0;
    bool aligned_ = false;
    std::uint64_t seed_, stream_;
    std::uint64_t batch_ = 0, run_ = 0;                          ///< the keys of layer-aligned noise
    std::vector<std::uint64_t> layer_hash_;                      ///< by the index of a layer's first op; 0: not yet
    std::vector<std::pair<std::uint64_t, std::uint64_t>> seen_;  ///< content hash -> times run in this run
    std::uint64_t layer_key(std::size_t first_op);
    std::vector<GeometricSampler> samplers_;
    std::vector<std::uint32_t> sampler_of_op_;
};

}  // namespace qdes::quantum
