#pragma once
/// The HDF5 file of one run (layout in docs/trace_schema.md):
///
///   /            attributes: status (running | completed | failed | truncated), status_message, format, format_version
///   /meta        scenario_json (dataset: the resolved scenario, canonical JSON); attributes: seed, code_version,
///                command_line, scenario_file, start_time, end_time (ISO 8601, UTC)
///   /trace/<component.table>   1-D extendible compound tables, chunked, shuffle + deflate
///   /stats       one row per statistic: name, kind, unit, count, mean, std_error, batches, min, max
///   /summary     one row per headline result: name, value, std_error, unit; attributes: stop_reason and run facts
///
/// The file is written as <path>.partial, saying `running`, and takes its final name only once closed (completed or
/// failed), so a run killed outright leaves no file under the final name, only the partial one saying so. Trace
/// rows are buffered a chunk at a time and written by a writer thread; a byte cap stops recording cleanly.

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sim/h5.h"
#include "sim/scenario.h"
#include "sim/simulation.h"

namespace qdes {

struct RunMeta {
    std::string scenario_json;
    std::string scenario_file;
    std::string command_line;
    std::uint64_t seed = 0;
};

class RunFile final : public TraceRecorder {
  public:
    /// Creates <path>.partial (replacing one a killed run left) and marks it running; `path` must not exist. Throws
    /// h5::Error if it cannot be created.
    RunFile(const std::filesystem::path& path, const RunMeta& meta, const RecordSpec& record);
    /// Closes as failed ("not closed") if neither close function was called.
    ~RunFile() override;
    RunFile(const RunFile&) = delete;
    RunFile& operator=(const RunFile&) = delete;

    TraceSink* open_table(const TraceSchema& schema) override;

    /// Flushes the traces and writes statistics and summary; status becomes completed, or truncated when the trace
    /// byte cap was reached. If writing the traces failed, the status is failed and this throws h5::Error.
    void close_completed(const Simulation& sim, const RunResult& result);
    /// Writes what is known (statistics when `sim` is given) and marks the file failed with `message`.
    void close_failed(const std::string& message, const Simulation* sim);

    bool truncated() const { return truncated_; }
    std::uint64_t trace_bytes() const { return trace_bytes_; }
    std::uint64_t dropped_rows() const { return dropped_rows_; }
    const std::filesystem::path& path() const { return path_; }  ///< the final name

  private:
    class TableSink;
    struct WriteJob {
        h5::Table* table;
        std::vector<unsigned char> data;
        std::uint64_t rows;
    };
    friend class TableSink;

    void submit(WriteJob job);
    std::vector<unsigned char> take_buffer();
    void writer_loop();
    void stop_writer();
    void write_statistics(const Simulation& sim);
    void write_summary(const Simulation* sim, const RunResult* result);
    void finish(const std::string& status, const std::string& message);

    std::filesystem::path path_, partial_;
    RecordSpec record_;
    h5::Handle file_;
    h5::Handle trace_group_;
    std::vector<std::unique_ptr<TableSink>> tables_;
    bool closed_ = false;
    bool truncated_ = false;
    std::uint64_t trace_bytes_ = 0;
    std::uint64_t dropped_rows_ = 0;

    // The writer thread and its bounded queue of chunks.
    std::mutex mutex_;
    std::condition_variable queue_changed_;
    std::deque<WriteJob> queue_;
    std::vector<std::vector<unsigned char>> free_buffers_;
    bool writer_busy_ = false;
    bool stopping_ = false;
    std::string writer_error_;
    std::thread writer_;
};

/// One row of /summary, as written and as read back (reading, HDF5 allocates the strings; free them with
/// H5Dvlen_reclaim).
struct SummaryRow {
    const char* name;
    double value;
    double std_error;
    const char* unit;
};
/// The HDF5 compound type of SummaryRow.
h5::Handle summary_row_type();

/// One row of a run file's /stats.
struct StatRecord {
    std::string name, kind, unit;
    std::uint64_t count = 0;
    double mean = 0, std_error = 0;
    std::uint64_t batches = 0;
    double min = 0, max = 0;
};

/// What a finished (or failed) run file says: its status, resolved scenario and statistics (empty when the run
/// never closed). Throws h5::Error when the file cannot be read.
struct RunFileContents {
    std::string status, status_message, scenario_json;
    std::vector<StatRecord> statistics;
};
RunFileContents read_run_file(const std::filesystem::path& path);

/// The current time as ISO 8601 UTC ("2026-11-22T06:18:08Z").
std::string utc_now_iso8601();

}  // namespace qdes
