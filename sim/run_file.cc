#include "sim/run_file.h"

#include <cstring>
#include <ctime>

#include "sim/json.h"
#include "sim/version.h"

namespace qdes {

namespace {
constexpr std::size_t kMaxQueuedChunks = 16;
}

std::string utc_now_iso8601() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/// Buffers one table's rows a chunk at a time and hands full chunks to the writer thread.
class RunFile::TableSink final : public TraceSink {
  public:
    TableSink(RunFile& file, const TraceSchema& schema, std::uint64_t chunk_rows)
        : file_(file),
          table_(file.trace_group_.id(), schema.name, h5::compound_type(schema), chunk_rows),
          row_bytes_(schema.row_bytes),
          chunk_rows_(chunk_rows) {
        Json units = Json::object(), docs = Json::object();
        for (const TraceField& f : schema.fields) {
            units[f.name] = f.unit;
            docs[f.name] = f.doc;
        }
        h5::write_attribute(table_.id(), "doc", schema.doc);
        h5::write_attribute(table_.id(), "units", units.dump());
        h5::write_attribute(table_.id(), "field_docs", docs.dump());
        buffer_ = file.take_buffer();
        buffer_.resize(row_bytes_ * chunk_rows_);
    }

    void append(const void* row) override {
        if (file_.truncated_ || file_.trace_bytes_ + row_bytes_ > file_.record_.trace_bytes_max) {
            file_.truncated_ = true;
            ++file_.dropped_rows_;
            return;
        }
        std::memcpy(buffer_.data() + rows_ * row_bytes_, row, row_bytes_);
        file_.trace_bytes_ += row_bytes_;
        if (++rows_ == chunk_rows_) flush();
    }

    void flush() {
        if (rows_ == 0) return;
        buffer_.resize(rows_ * row_bytes_);
        file_.submit(WriteJob{&table_, std::move(buffer_), rows_});
        rows_ = 0;
        buffer_ = file_.take_buffer();
        buffer_.resize(row_bytes_ * chunk_rows_);
    }

  private:
    RunFile& file_;
    h5::Table table_;
    std::size_t row_bytes_;
    std::uint64_t chunk_rows_;
    std::vector<unsigned char> buffer_;
    std::uint64_t rows_ = 0;
};

RunFile::RunFile(const std::filesystem::path& path, const RunMeta& meta, const RecordSpec& record)
    : path_(path), partial_(std::filesystem::path(path) += ".partial"), record_(record) {
    h5::silence_library_errors();
    if (record_.chunk_rows == 0) record_.chunk_rows = 4096;
    if (std::filesystem::exists(path)) throw h5::Error("cannot create " + path.string() + ": it exists");
    std::filesystem::remove(partial_);  // left by a run that was killed: never finished, nobody's data
    file_ = h5::create_file(partial_.string());
    h5::write_attribute(file_.id(), "format", std::string("qdes-run"));
    h5::write_attribute(file_.id(), "format_version", std::uint64_t(1));
    h5::write_attribute(file_.id(), "status", std::string("running"));
    h5::write_attribute(file_.id(), "status_message", std::string(""));
    h5::Handle meta_group = h5::create_group(file_.id(), "meta");
    h5::write_string_dataset(meta_group.id(), "scenario_json", meta.scenario_json);
    h5::write_attribute(meta_group.id(), "seed", meta.seed);
    h5::write_attribute(meta_group.id(), "code_version", std::string(code_version()));
    h5::write_attribute(meta_group.id(), "command_line", meta.command_line);
    h5::write_attribute(meta_group.id(), "scenario_file", meta.scenario_file);
    h5::write_attribute(meta_group.id(), "start_time", utc_now_iso8601());
    h5::write_attribute(meta_group.id(), "end_time", std::string(""));
    trace_group_ = h5::create_group(file_.id(), "trace");
    h5::check(H5Fflush(file_.id(), H5F_SCOPE_GLOBAL), "flush " + partial_.string());
    writer_ = std::thread([this] { writer_loop(); });
}

RunFile::~RunFile() {
    if (!closed_) {
        try {
            close_failed("the run ended without closing its output (internal error)", nullptr);
        } catch (...) {
        }
    }
    stop_writer();
}

TraceSink* RunFile::open_table(const TraceSchema& schema) {
    tables_.push_back(std::make_unique<TableSink>(*this, schema, record_.chunk_rows));
    return tables_.back().get();
}

std::vector<unsigned char> RunFile::take_buffer() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_buffers_.empty()) return {};
    std::vector<unsigned char> b = std::move(free_buffers_.back());
    free_buffers_.pop_back();
    return b;
}

void RunFile::submit(WriteJob job) {
    std::unique_lock<std::mutex> lock(mutex_);
    queue_changed_.wait(lock, [this] { return queue_.size() < kMaxQueuedChunks; });
    queue_.push_back(std::move(job));
    queue_changed_.notify_all();
}

void RunFile::writer_loop() {
    h5::silence_library_errors();
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
        queue_changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) break;  // stopping, and nothing left
        WriteJob job = std::move(queue_.front());
        queue_.pop_front();
        writer_busy_ = true;
        lock.unlock();
        std::string error;
        try {
            if (writer_error_.empty()) job.table->append(job.data.data(), job.rows);
        } catch (const std::exception& e) {
            error = e.what();
        }
        lock.lock();
        writer_busy_ = false;
        if (!error.empty() && writer_error_.empty()) writer_error_ = error;
        free_buffers_.push_back(std::move(job.data));
        queue_changed_.notify_all();
    }
}

void RunFile::stop_writer() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    queue_changed_.notify_all();
    if (writer_.joinable()) writer_.join();
}

namespace {

struct StatsRow {
    const char* name;
    const char* kind;
    const char* unit;
    std::uint64_t count;
    double mean, std_error;
    std::uint64_t batches;
    double min, max;
};

h5::Handle stats_row_type() {
    h5::Handle str = h5::vlen_string_type();
    h5::Handle t(H5Tcreate(H5T_COMPOUND, sizeof(StatsRow)), H5Tclose, "create compound type");
    h5::check(H5Tinsert(t.id(), "name", offsetof(StatsRow, name), str.id()), "add field");
    h5::check(H5Tinsert(t.id(), "kind", offsetof(StatsRow, kind), str.id()), "add field");
    h5::check(H5Tinsert(t.id(), "unit", offsetof(StatsRow, unit), str.id()), "add field");
    h5::check(H5Tinsert(t.id(), "count", offsetof(StatsRow, count), H5T_NATIVE_UINT64), "add field");
    h5::check(H5Tinsert(t.id(), "mean", offsetof(StatsRow, mean), H5T_NATIVE_DOUBLE), "add field");
    h5::check(H5Tinsert(t.id(), "std_error", offsetof(StatsRow, std_error), H5T_NATIVE_DOUBLE), "add field");
    h5::check(H5Tinsert(t.id(), "batches", offsetof(StatsRow, batches), H5T_NATIVE_UINT64), "add field");
    h5::check(H5Tinsert(t.id(), "min", offsetof(StatsRow, min), H5T_NATIVE_DOUBLE), "add field");
    h5::check(H5Tinsert(t.id(), "max", offsetof(StatsRow, max), H5T_NATIVE_DOUBLE), "add field");
    return t;
}

}  // namespace

void RunFile::write_statistics(const Simulation& sim) {
    std::vector<StatisticEntry> entries = sim.statistics();
    std::vector<StatSummary> summaries;
    std::vector<StatsRow> rows;
    for (const StatisticEntry& e : entries) summaries.push_back(e.statistic->summary(sim.now()));
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const StatSummary& s = summaries[i];
        rows.push_back(StatsRow{entries[i].name.c_str(), s.kind.c_str(), entries[i].unit.c_str(), s.count, s.mean,
                                s.std_error, s.batches, s.min, s.max});
    }
    h5::Table table(file_.id(), "stats", stats_row_type(), std::max<std::uint64_t>(1, rows.size()));
    table.append(rows.data(), rows.size());
    Json docs = Json::object();
    for (const StatisticEntry& e : entries) docs[e.name] = e.doc;
    h5::write_attribute(table.id(), "docs", docs.dump());
}

RunFileContents read_run_file(const std::filesystem::path& path) {
    RunFileContents c;
    h5::Handle f = h5::open_file_read(path.string());
    c.status = h5::read_string_attribute(f.id(), "status");
    c.status_message = h5::read_string_attribute(f.id(), "status_message");
    {
        h5::Handle meta(H5Gopen2(f.id(), "meta", H5P_DEFAULT), H5Gclose, "open /meta");
        c.scenario_json = h5::read_string_dataset(meta.id(), "scenario_json");
    }
    if (H5Lexists(f.id(), "stats", H5P_DEFAULT) <= 0) return c;
    h5::read_rows<StatsRow>(f.id(), "stats", stats_row_type(), [&](const StatsRow& r) {
        c.statistics.push_back(StatRecord{r.name ? r.name : "", r.kind ? r.kind : "", r.unit ? r.unit : "", r.count,
                                          r.mean, r.std_error, r.batches, r.min, r.max});
    });
    return c;
}

h5::Handle summary_row_type() {
    h5::Handle str = h5::vlen_string_type();
    h5::Handle t(H5Tcreate(H5T_COMPOUND, sizeof(SummaryRow)), H5Tclose, "create compound type");
    h5::check(H5Tinsert(t.id(), "name", offsetof(SummaryRow, name), str.id()), "add field");
    h5::check(H5Tinsert(t.id(), "value", offsetof(SummaryRow, value), H5T_NATIVE_DOUBLE), "add field");
    h5::check(H5Tinsert(t.id(), "std_error", offsetof(SummaryRow, std_error), H5T_NATIVE_DOUBLE), "add field");
    h5::check(H5Tinsert(t.id(), "unit", offsetof(SummaryRow, unit), str.id()), "add field");
    return t;
}

void RunFile::write_summary(const Simulation* sim, const RunResult* result) {
    std::vector<std::string> names;
    std::vector<std::string> units;
    std::vector<std::pair<double, double>> values;
    auto add = [&](std::string name, double value, double error, std::string unit) {
        names.push_back(std::move(name));
        values.push_back({value, error});
        units.push_back(std::move(unit));
    };
    if (sim) {
        add("simulated_time", to_seconds(sim->now()), 0, "s");
        add("events", double(sim->events_executed()), 0, "events");
        if (result) {
            add("wall_time", result->wall_seconds, 0, "s");
            add("event_rate", result->wall_seconds > 0 ? double(result->events) / result->wall_seconds : 0, 0,
                "events/s");
        }
        for (const StatisticEntry& e : sim->statistics()) {
            StatSummary s = e.statistic->summary(sim->now());
            add(e.name, s.mean, s.std_error, e.unit);
        }
    }
    add("trace_bytes", double(trace_bytes_), 0, "B");
    add("trace_rows_dropped", double(dropped_rows_), 0, "rows");
    std::vector<SummaryRow> rows;
    for (std::size_t i = 0; i < names.size(); ++i) {
        rows.push_back(SummaryRow{names[i].c_str(), values[i].first, values[i].second, units[i].c_str()});
    }
    h5::Table table(file_.id(), "summary", summary_row_type(), std::max<std::uint64_t>(1, rows.size()));
    table.append(rows.data(), rows.size());
    if (result) {
        h5::write_attribute(table.id(), "stop_reason", std::string(stop_reason_name(result->reason)));
        h5::write_attribute(table.id(), "stop_message", result->message);
    }
}

void RunFile::finish(const std::string& status, const std::string& message) {
    h5::Handle meta(H5Gopen2(file_.id(), "meta", H5P_DEFAULT), H5Gclose, "open /meta");
    h5::write_attribute(meta.id(), "end_time", utc_now_iso8601());
    h5::write_attribute(file_.id(), "status_message", message);
    h5::write_attribute(file_.id(), "status", status);
    tables_.clear();
    trace_group_.close();
    file_.close();
    closed_ = true;
    std::filesystem::rename(partial_, path_);  // only a closed file takes the final name
}

void RunFile::close_completed(const Simulation& sim, const RunResult& result) {
    for (auto& t : tables_) t->flush();
    stop_writer();
    if (!writer_error_.empty()) {
        std::string message = "writing trace data failed: " + writer_error_;
        finish("failed", message);
        throw h5::Error(message);
    }
    write_statistics(sim);
    write_summary(&sim, &result);
    std::string message;
    if (truncated_) {
        message = "trace recording stopped at the cap of " + format_bytes(record_.trace_bytes_max) + "; " +
                  std::to_string(dropped_rows_) + " rows were not recorded";
    }
    finish(truncated_ ? "truncated" : "completed", message);
}

void RunFile::close_failed(const std::string& message, const Simulation* sim) {
    if (closed_) return;
    for (auto& t : tables_) {
        try {
            t->flush();
        } catch (...) {
        }
    }
    stop_writer();
    try {
        if (sim) write_statistics(*sim);
        write_summary(sim, nullptr);
    } catch (...) {
        // The failure is what matters; a partial file still says "failed".
    }
    finish("failed", message);
}

}  // namespace qdes
