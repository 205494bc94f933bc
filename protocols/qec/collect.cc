#include "protocols/qec/collect.h"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <thread>

#include "models/quantum/frame_simulator.h"
#include "protocols/qec/decoder.h"
#include "protocols/qec/dem_graph.h"
#include "protocols/qec/memory_estimates.h"
#include "sim/h5.h"
#include "sim/random.h"
#include "sim/version.h"

namespace qdes::qec {

namespace {

/// One row of the file's `tasks` table.
struct TaskRow {
    const char* key;
    const char* circuit;
    const char* code;
    const char* basis;
    const char* decoder;
    std::uint64_t distance;
    std::uint64_t rounds;
    double p;
    std::uint64_t detectors;
    std::uint64_t shots;
    std::uint64_t errors;
    std::uint64_t detection_events;
    std::uint64_t batches;
    double decode_seconds;
    double seconds;
    double error_per_shot;
    double error_per_shot_low;   ///< Wilson 95%
    double error_per_shot_high;
    double error_per_round;
    double error_per_round_low;
    double error_per_round_high;
    double decode_us_per_event;
};

h5::Handle task_row_type() {
    return h5::CompoundType(sizeof(TaskRow))
        .text("key", offsetof(TaskRow, key))
        .text("circuit", offsetof(TaskRow, circuit))
        .text("code", offsetof(TaskRow, code))
        .text("basis", offsetof(TaskRow, basis))
        .text("decoder", offsetof(TaskRow, decoder))
        .u64("distance", offsetof(TaskRow, distance))
        .u64("rounds", offsetof(TaskRow, rounds))
        .f64("p", offsetof(TaskRow, p))
        .u64("detectors", offsetof(TaskRow, detectors))
        .u64("shots", offsetof(TaskRow, shots))
        .u64("errors", offsetof(TaskRow, errors))
        .u64("detection_events", offsetof(TaskRow, detection_events))
        .u64("batches", offsetof(TaskRow, batches))
        .f64("decode_seconds", offsetof(TaskRow, decode_seconds))
        .f64("seconds", offsetof(TaskRow, seconds))
        .f64("error_per_shot", offsetof(TaskRow, error_per_shot))
        .f64("error_per_shot_low", offsetof(TaskRow, error_per_shot_low))
        .f64("error_per_shot_high", offsetof(TaskRow, error_per_shot_high))
        .f64("error_per_round", offsetof(TaskRow, error_per_round))
        .f64("error_per_round_low", offsetof(TaskRow, error_per_round_low))
        .f64("error_per_round_high", offsetof(TaskRow, error_per_round_high))
        .f64("decode_us_per_event", offsetof(TaskRow, decode_us_per_event))
        .take();
}

}  // namespace

double per_round(double per_shot, std::uint64_t rounds) {
    if (rounds <= 1) return per_shot;
    // P = (1 - exp(-T / tau)) / 2 and eps = (1 - exp(-1 / tau)) / 2 give eps = (1 - (1 - 2 P)^(1 / T)) / 2.
    return error_per_round_of(lifetime_of(per_shot, double(rounds)));
}

bool collect_done(const CollectStats& s, const CollectLimits& limits) {
    return s.shots >= limits.max_shots || s.errors >= limits.max_errors;
}

void collect(const std::vector<CollectTask>& tasks, std::vector<CollectStats>& stats, const CollectLimits& limits,
             const std::atomic<bool>& stop, const std::function<void(std::size_t)>& on_batch) {
    std::mutex lock;
    std::vector<std::uint64_t> next_batch(tasks.size()), in_flight(tasks.size(), 0);
    for (std::size_t t = 0; t < tasks.size(); ++t) next_batch[t] = stats[t].batches;
    // The next batch: of the unfinished task with the fewest shots done or under way, so that tasks advance together.
    auto pick = [&](std::size_t& task, std::uint64_t& batch) {
        std::size_t best = tasks.size();
        std::uint64_t fewest = ~std::uint64_t(0);
        for (std::size_t t = 0; t < tasks.size(); ++t) {
            if (!tasks[t].program || collect_done(stats[t], limits)) continue;
            const std::uint64_t planned = stats[t].shots + in_flight[t] * limits.batch_shots;
            if (planned >= limits.max_shots) continue;  // enough under way
            if (planned < fewest) fewest = planned, best = t;
        }
        if (best == tasks.size()) return false;
        task = best;
        batch = next_batch[best]++;
        ++in_flight[best];
        return true;
    };
    auto worker = [&] {
        std::vector<std::unique_ptr<Decoder>> decoders(tasks.size());
        while (!stop.load()) {
            std::size_t t;
            std::uint64_t b;
            {
                std::lock_guard<std::mutex> g(lock);
                if (!pick(t, b)) return;
            }
            const CollectTask& task = tasks[t];
            if (!decoders[t]) decoders[t] = make_decoder(task.decoder, *task.graph);
            const auto t0 = std::chrono::steady_clock::now();
            quantum::FrameSimulator sim(*task.program, limits.batch_shots, derive_seed(limits.seed, b),
                                        stream_id(task.key, "collect"));
            sim.run();
            CircuitDecodingRun run;
            decode_batch(sim, limits.batch_shots, *decoders[t], run);
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::lock_guard<std::mutex> g(lock);
            CollectStats& s = stats[t];
            s.shots += run.shots;
            s.errors += run.failures;
            s.detection_events += run.detection_events;
            s.decode_seconds += run.decode_seconds;
            s.seconds += seconds;
            s.batches = std::max(s.batches, b + 1);
            --in_flight[t];
            on_batch(t);
        }
    };
    const unsigned n = std::max(1u, limits.threads);
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < n; ++i) threads.emplace_back(worker);
    worker();
    for (std::thread& th : threads) th.join();
}

void write_collect_file(const std::string& path, const std::vector<CollectTask>& tasks,
                        const std::vector<CollectStats>& stats, const CollectLimits& limits, const std::string& status,
                        const std::string& command_line) {
    const std::string temp = path + ".partial";
    std::filesystem::remove(temp);
    {
        h5::Handle f = h5::create_file(temp);
        h5::write_attribute(f.id(), "format", std::string("qdes-collect"));
        h5::write_attribute(f.id(), "status", status);
        h5::write_attribute(f.id(), "code_version", std::string(code_version()));
        h5::write_attribute(f.id(), "command_line", command_line);
        h5::write_attribute(f.id(), "max_shots", limits.max_shots);
        h5::write_attribute(f.id(), "max_errors", limits.max_errors);
        h5::write_attribute(f.id(), "batch_shots", std::uint64_t(limits.batch_shots));
        h5::write_attribute(f.id(), "seed", limits.seed);
        std::vector<TaskRow> rows;
        for (std::size_t t = 0; t < tasks.size(); ++t) {
            const CollectTask& k = tasks[t];
            const CollectStats& s = stats[t];
            TaskRow r{k.key.c_str(), k.circuit.c_str(), k.code.c_str(), k.basis.c_str(), k.decoder.c_str(),
                      k.distance, k.rounds, k.p, k.detectors, s.shots, s.errors,
                      s.detection_events, s.batches, s.decode_seconds, s.seconds};
            r.error_per_shot = s.shots ? double(s.errors) / double(s.shots) : 0;
            wilson_interval(s.errors, s.shots, 1.959964, r.error_per_shot_low, r.error_per_shot_high);
            r.error_per_round = per_round(r.error_per_shot, k.rounds);
            r.error_per_round_low = per_round(r.error_per_shot_low, k.rounds);
            r.error_per_round_high = per_round(r.error_per_shot_high, k.rounds);
            r.decode_us_per_event = s.detection_events ? 1e6 * s.decode_seconds / double(s.detection_events) : 0;
            rows.push_back(r);
        }
        h5::write_table(f.id(), "tasks", task_row_type(), rows,
                        "one row per (circuit, decoder) task: shots and logical errors so far, the logical error per "
                        "shot and per round with Wilson 95% intervals, decoder time per detection event");
    }
    std::filesystem::rename(temp, path);
}

std::vector<std::pair<CollectTask, CollectStats>> read_collect_file(const std::string& path) {
    h5::Handle f = h5::open_file_read(path);
    if (!h5::has_attribute(f.id(), "format") || h5::read_string_attribute(f.id(), "format") != "qdes-collect")
        throw std::runtime_error(path + ": not a qdes collect file (no format attribute 'qdes-collect')");
    std::vector<std::pair<CollectTask, CollectStats>> out;
    auto text = [](const char* s) { return std::string(s ? s : ""); };
    h5::read_rows<TaskRow>(f.id(), "tasks", task_row_type(), [&](const TaskRow& r) {
        CollectTask k;
        k.key = text(r.key);
        k.circuit = text(r.circuit);
        k.code = text(r.code);
        k.basis = text(r.basis);
        k.decoder = text(r.decoder);
        k.distance = std::uint32_t(r.distance);
        k.rounds = r.rounds;
        k.p = r.p;
        k.detectors = r.detectors;
        CollectStats s;
        s.shots = r.shots;
        s.errors = r.errors;
        s.detection_events = r.detection_events;
        s.batches = r.batches;
        s.decode_seconds = r.decode_seconds;
        s.seconds = r.seconds;
        out.emplace_back(std::move(k), s);
    });
    return out;
}

}  // namespace qdes::qec
