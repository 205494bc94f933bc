#pragma once
/// `readout_memory`: a memory read out every R rounds with R - 1 LEC rounds in between, on device timing, decoded
/// by a streaming decoder whose latency is simulated.
///
/// Shots run in batches through the frame simulator, one kernel event per readout cycle (its duration from the
/// device). At each readout every shot's syndrome goes to its decoder as a job: jobs are served in order, a job
/// that completes a window takes the latency model's time, the others none. With `feed_forward_every` F, every F
/// readouts the memory needs its Pauli frame (a logical operation that depends on it, such as a T gate by
/// teleportation): it keeps running cycles, which add errors and syndromes, until the decoder has committed every
/// layer up to that readout. A decoder slower than the readouts so builds a backlog, stalls grow, and each
/// operation costs more rounds and more errors. At the end of a shot the data are read perfectly (from the frames)
/// and the decoder's prediction is compared with the logicals the errors flipped.
///
/// Decoders on simulated hardware take their latency from the hardware model instead: `decoder: uf_accel` runs the
/// union-find accelerator (hardware/decoder/uf_accel.h) on each window's syndrome, each decode lasting its cycles at
/// `decoder_clock`; `decoder: nn_accel` trains a CNN on this memory's own sampled histories before the shots,
/// prunes and quantizes it as asked, and each (whole-history) decode lasts one inference on a systolic array
/// (protocols/qec/nn_decoder.h).
///
/// Before the shots the decoding graph gets its edge probabilities (protocols/qec/space_time.h): by default
/// (`graph: exact`) from the detector error model of a history of the cycle (models/quantum/error_analysis.h), exact
/// for every single fault, LEC's CCX corrections included (a memory without readouts longer than 6 cycles: from
/// histories of 4 to 6 cycles, each further cycle multiplying 1 - 2p by the same factor); with `graph: estimated`
/// from the detection-event correlations of `calibration_shots` sampled shots, which also see what several faults
/// do together.

#include <deque>
#include <memory>

#include "hardware/decoder/uf_accel.h"
#include "hardware/quantum/device.h"
#include "models/quantum/bit_table.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/program.h"
#include "protocols/qec/memory_estimates.h"
#include "protocols/qec/readout_cycle.h"
#include "protocols/qec/space_time.h"
#include "protocols/qec/streaming.h"
#include "sim/component.h"
#include "sim/registry.h"

namespace qdes::qec {

/// One readout of a traced shot.
struct ReadoutRow {
    std::uint64_t shot;
    std::uint32_t readout;       ///< from 0
    std::uint32_t defects;       ///< detection events in this readout
    std::uint64_t time_ps;       ///< when the syndrome reached the decoder (the end of the readout round)
    std::uint64_t start_ps;      ///< when the decoder took it up
    std::uint64_t end_ps;        ///< when the decoder was done with it
    std::uint32_t backlog;       ///< readouts received earlier and not yet done at time_ps
    std::uint8_t decoded;        ///< 1: this readout completed a window (it cost a decode)
    std::uint8_t stalled;        ///< 1: the memory was waiting for its frame (a feed-forward) at this readout
    std::uint8_t logical;        ///< logicals flipped by the errors so far (bit k: logical k)
    std::uint8_t pad = 0;
    std::uint32_t committed;     ///< layers final once this job is done
};

/// One row per shot.
struct ShotRow {
    std::uint64_t shot;
    std::uint32_t readouts;      ///< readout cycles run (more than `cycles` when feed-forwards stalled)
    std::uint32_t operations;    ///< feed-forward operations completed
    std::uint64_t end_ps;        ///< the last cycle's end
    std::uint64_t answer_ps;     ///< when the decoder's final answer was ready
    std::uint8_t failed;         ///< 1: the prediction missed a logical flip (or the shot was abandoned)
    std::uint8_t abandoned;      ///< 1: stopped at max_cycles without finishing its operations
    std::uint8_t pad[6] = {};
};

/// The estimated edge classes of the decoding graph.
struct EdgeClassRow {
    std::uint8_t relation;       ///< 0 space, 1 late, 2 early, 3 time, 4 boundary
    std::uint8_t layer_kind;     ///< 0 first layer, 1 bulk, 2 against the perfect readout
    std::uint8_t estimated;      ///< 1: significant estimate; 0: floor or dropped
    std::uint8_t pad = 0;
    std::uint32_t qubit_kind;
    double p;
    double samples;
};

class ReadoutMemory final : public Component {
  public:
    ReadoutMemory(Simulation& sim, std::string name, const ParamValues& params);
    static ComponentKind kind();
    void start() override;
    void finish() override;

    const ReadoutCycle& cycle() const { return cycle_; }
    const SpaceTimeModel& model() const { return *model_; }

  private:
    struct Shot {
        StreamState stream;
        TimePs free_ps = 0;                                    ///< the decoder is busy until then
        std::deque<std::pair<TimePs, std::uint32_t>> jobs;    ///< (end, committed) of jobs not known done
        std::uint32_t committed_done = 0;                      ///< layers committed by jobs done by now
        std::uint32_t useful = 0, operations = 0;
        std::int64_t waiting_for = -1;                         ///< readout whose frame a feed-forward waits for
        bool done = false;
    };
    void setup_accelerator(const ParamValues& params, std::uint32_t window);
    void setup_neural(const ParamValues& params, std::uint32_t window);
    void train_neural();  ///< nn_accel: trains, prunes and quantizes the network, times it, installs the decoder
    TimePs latency(const DecodeStep& step);  ///< simulated time of a decode (counts the accelerator's cycles)
    void calibrate();
    void estimate_graph();
    void start_batch();
    void cycle_event();
    void end_shot(std::size_t s, bool abandoned);
    void final_layer_rows();
    std::uint64_t actual_logicals(std::size_t s) const;

    quantum::CssCode code_;
    hw::QuantumDevice device_;
    std::unique_ptr<ToricLecRule> rule_;  ///< lec: rule
    ReadoutCycle cycle_;
    std::unique_ptr<quantum::Program> program_;
    std::unique_ptr<SpaceTimeModel> model_;
    std::unique_ptr<StreamingDecoder> decoder_;
    LatencyModel latency_;
    hw::UfAccelConfig accel_;            ///< decoder: uf_accel
    std::uint64_t accel_memory_ = 0;     ///< state memory the largest window needs (0: no accelerator)
    std::uint32_t accel_pes_ = 0;
    struct NeuralSetup {                 ///< decoder: nn_accel
        ParamValues params;
        std::uint32_t n = 0, m = 0;      ///< nn_nm (m = 0: none)
        Estimate cycles, macs, nonzero;
    };
    std::unique_ptr<NeuralSetup> neural_;
    std::unique_ptr<quantum::FrameSimulator> frames_;
    std::uint64_t shots_total_, cycles_, max_cycles_, feed_forward_, calibration_shots_, trace_shots_;
    std::size_t batch_shots_;
    double confidence_;
    bool readout_;
    bool exact_graph_;

    // The batch in flight.
    std::uint64_t first_shot_ = 0;
    std::size_t in_batch_ = 0, active_ = 0;
    std::uint32_t readouts_ = 0;  ///< cycles run in this batch
    TimePs batch_start_ = 0;
    std::vector<Shot> shots_;
    quantum::BitTable last_;      ///< each check's last syndrome, per shot
    quantum::BitTable final_;     ///< the perfect readout's syndrome (rows 0..m-1) and logicals (rows m..)
    std::vector<std::uint32_t> layer_scratch_;
    std::vector<std::vector<std::uint32_t>> new_defects_;

    Counter shots_done_, failures_, abandoned_, operations_, decodes_;
    Tally events_per_readout_, decode_latency_, backlog_, answer_delay_, readouts_per_shot_, stall_cycles_;
    Estimate graph_unmatched_, accel_pes_stat_, accel_memory_stat_;
    Tally decode_cycles_;
    Estimate cycle_duration_, round_duration_, error_rate_, error_per_operation_, time_per_operation_, cpu_per_event_;
    MemoryEstimates estimates_;
    double rounds_sum_ = 0, ops_sum_ = 0, time_sum_s_ = 0, cpu_s_ = 0, decoded_events_ = 0;
    TraceTable<ReadoutRow> readout_trace_;
    TraceTable<ShotRow> shot_trace_;
    TraceTable<EdgeClassRow> class_trace_;
};

void register_readout_memory(ComponentRegistry& registry);

}  // namespace qdes::qec
