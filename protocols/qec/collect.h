#pragma once
/// Logical error rates of circuits under decoders, collected as sinter collects them: every (circuit, decoder)
/// task is sampled and decoded in batches until it has `max_errors` failures or `max_shots` shots, the tasks
/// sharing the threads; the results are a table that a later run resumes from (docs/collect_format.md).
///
/// Batch b of a task draws its noise from the stream (seed, task key, b), so a task's result depends only on which
/// batches ran, not on the thread count or on how often the run was stopped and resumed. With J threads a task
/// may run up to J - 1 batches past its stopping point (batches already under way when it was reached).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/quantum/program.h"
#include "protocols/qec/decoding_graph.h"

namespace qdes::qec {

struct CollectTask {
    std::string key;        ///< unique in a file: what the task is, as text
    std::string circuit;    ///< the circuit file, or "" for a generated one
    std::string code;       ///< "rotated_surface", or "file"
    std::string basis;      ///< "X" or "Z" for generated circuits, "" otherwise
    std::uint32_t distance = 0;  ///< 0 when unknown (a file)
    std::uint64_t rounds = 0;    ///< 0 when unknown
    double p = 0;                ///< the noise strength of a generated circuit (0 when unknown)
    std::string decoder;
    std::uint64_t detectors = 0;
    std::shared_ptr<const quantum::Program> program;
    std::shared_ptr<const DecodingGraph> graph;
};

struct CollectStats {
    std::uint64_t shots = 0;
    std::uint64_t errors = 0;            ///< shots whose predicted observables were wrong
    std::uint64_t detection_events = 0;
    std::uint64_t batches = 0;           ///< batches done: the next batch index
    double decode_seconds = 0;           ///< CPU time in the decoder
    double seconds = 0;                  ///< CPU time of the task's batches, sampling included
};

struct CollectLimits {
    std::uint64_t max_shots = 100000;
    std::uint64_t max_errors = 100;
    std::size_t batch_shots = 1024;
    std::uint64_t seed = 1;
    unsigned threads = 1;
};

/// The task's logical error per shot, and per round: 1/2 (1 - (1 - 2 p_shot)^(1 / rounds)) (as sinter computes
/// it; equal to p_shot when rounds is 0 or 1).
double per_round(double per_shot, std::uint64_t rounds);

/// True when the task has reached its target.
bool collect_done(const CollectStats& s, const CollectLimits& limits);

/// Runs every unfinished task's batches (tasks without a program, carried over from a file, are left alone) on `limits.threads` threads, adding to `stats` (one per task, possibly
/// resumed), until each is done or `stop` is set (the batches under way then finish). `on_batch(task)` is called
/// after each batch, under the lock that guards `stats`.
void collect(const std::vector<CollectTask>& tasks, std::vector<CollectStats>& stats, const CollectLimits& limits,
             const std::atomic<bool>& stop, const std::function<void(std::size_t)>& on_batch);

/// Writes the collect file (HDF5, format "qdes-collect") through a temporary name and a rename, so an interrupted
/// write never replaces a good file. Attributes: status, the limits, code version, command line.
void write_collect_file(const std::string& path, const std::vector<CollectTask>& tasks,
                        const std::vector<CollectStats>& stats, const CollectLimits& limits, const std::string& status,
                        const std::string& command_line);

/// The tasks (their description, without program or graph) and statistics of an existing collect file;
/// h5::Error or std::runtime_error when it is not one.
std::vector<std::pair<CollectTask, CollectStats>> read_collect_file(const std::string& path);

}  // namespace qdes::qec
