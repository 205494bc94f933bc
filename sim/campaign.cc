#include "sim/campaign.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <map>
#include <stdexcept>

#include "sim/h5.h"
#include "sim/json.h"

namespace qdes {

namespace {

// Rows as HDF5 reads and writes them: variable-length strings are char pointers.
struct PointRow {
    std::uint64_t index, replica;
    const char* status;
    const char* file;
    const char* values;
};
struct ValueRow {
    std::uint64_t point;
    const char* key;
    const char* value;
};
struct ResultRow {
    std::uint64_t point;
    const char* statistic;
    const char* kind;
    const char* unit;
    double value, std_error, lower, upper;
    std::uint64_t count;
};

h5::Handle point_type() {
    return h5::CompoundType(sizeof(PointRow))
        .u64("index", offsetof(PointRow, index))
        .u64("replica", offsetof(PointRow, replica))
        .text("status", offsetof(PointRow, status))
        .text("file", offsetof(PointRow, file))
        .text("values", offsetof(PointRow, values))
        .take();
}

h5::Handle value_type() {
    return h5::CompoundType(sizeof(ValueRow))
        .u64("point", offsetof(ValueRow, point))
        .text("key", offsetof(ValueRow, key))
        .text("value", offsetof(ValueRow, value))
        .take();
}

h5::Handle result_type() {
    return h5::CompoundType(sizeof(ResultRow))
        .u64("point", offsetof(ResultRow, point))
        .text("statistic", offsetof(ResultRow, statistic))
        .text("kind", offsetof(ResultRow, kind))
        .text("unit", offsetof(ResultRow, unit))
        .f64("value", offsetof(ResultRow, value))
        .f64("std_error", offsetof(ResultRow, std_error))
        .f64("lower", offsetof(ResultRow, lower))
        .f64("upper", offsetof(ResultRow, upper))
        .u64("count", offsetof(ResultRow, count))
        .take();
}

/// Whole-string number, as a swept value column becomes numeric when every value is one.
bool numeric(const std::string& text, double& out) {
    try {
        std::size_t used = 0;
        out = std::stod(text, &used);
        return used == text.size();
    } catch (const std::exception&) {
        return false;
    }
}

/// /summary: one row per point, one column per swept key (float64 when every value is a number, else a string) and
/// per statistic (value and std_error, NaN where the point has none). Every column is 8 bytes (uint64, float64 or
/// a string pointer), so a row is 8 x columns.
void write_summary(hid_t file, const Campaign& c) {
    struct Column {
        std::string name;
        enum { kU64, kF64, kText } type;
    };
    std::vector<Column> cols = {
        {"index", Column::kU64}, {"replica", Column::kU64}, {"status", Column::kText}, {"file", Column::kText}};
    std::vector<std::string> keys;
    for (const CampaignPoint& p : c.points)
        for (const auto& kv : p.values)
            if (std::find(keys.begin(), keys.end(), kv.first) == keys.end()) keys.push_back(kv.first);
    std::map<std::string, bool> key_numeric;
    for (const std::string& k : keys) {
        bool all = true;
        for (const CampaignPoint& p : c.points)
            for (const auto& kv : p.values) {
                double x = 0;
                if (kv.first == k && !numeric(kv.second, x)) all = false;
            }
        key_numeric[k] = all;
        cols.push_back({k, all ? Column::kF64 : Column::kText});
    }
    std::vector<std::string> stats;
    for (const CampaignResult& r : c.results)
        if (std::find(stats.begin(), stats.end(), r.statistic) == stats.end()) stats.push_back(r.statistic);
    for (const std::string& st : stats) {
        cols.push_back({st, Column::kF64});
        cols.push_back({st + ":std_error", Column::kF64});
    }
    h5::CompoundType builder(8 * cols.size());
    for (std::size_t i = 0; i < cols.size(); ++i) {
        const char* name = cols[i].name.c_str();
        if (cols[i].type == Column::kU64)
            builder.u64(name, 8 * i);
        else if (cols[i].type == Column::kF64)
            builder.f64(name, 8 * i);
        else
            builder.text(name, 8 * i);
    }
    h5::Handle type = builder.take();
    std::map<std::uint64_t, std::map<std::string, const CampaignResult*>> by_point;
    for (const CampaignResult& r : c.results) by_point[r.point][r.statistic] = &r;
    std::vector<unsigned char> rows(8 * cols.size() * c.points.size());
    std::vector<std::string> texts;  // the strings the rows point into
    texts.reserve(c.points.size() * cols.size());
    for (std::size_t r = 0; r < c.points.size(); ++r) {
        const CampaignPoint& p = c.points[r];
        unsigned char* row = rows.data() + 8 * cols.size() * r;
        auto put_u64 = [&](std::size_t col, std::uint64_t v) { std::memcpy(row + 8 * col, &v, 8); };
        auto put_f64 = [&](std::size_t col, double v) { std::memcpy(row + 8 * col, &v, 8); };
        auto put_text = [&](std::size_t col, const std::string& v) {
            texts.push_back(v);
            const char* ptr = texts.back().c_str();
            std::memcpy(row + 8 * col, &ptr, 8);
        };
        put_u64(0, p.index);
        put_u64(1, p.replica);
        put_text(2, p.status);
        put_text(3, p.file);
        std::size_t col = 4;
        for (const std::string& k : keys) {
            std::string v;
            for (const auto& kv : p.values)
                if (kv.first == k) v = kv.second;
            double x = std::nan("");
            if (key_numeric[k]) {
                numeric(v, x);
                put_f64(col++, x);
            } else {
                put_text(col++, v);
            }
        }
        const auto& mine = by_point[p.index];
        for (const std::string& st : stats) {
            const auto it = mine.find(st);
            put_f64(col++, it == mine.end() ? std::nan("") : it->second->value);
            put_f64(col++, it == mine.end() ? std::nan("") : it->second->std_error);
        }
    }
    h5::Table table(file, "summary", std::move(type), std::max<std::uint64_t>(1, c.points.size()));
    table.append(rows.data(), c.points.size());
    h5::write_attribute(table.id(), "doc",
                        std::string("one row per point: index, replica, status, file, each swept key (a number, or "
                                    "its YAML text), and each statistic's value and <statistic>:std_error (NaN where "
                                    "the point has none); pandas.DataFrame(h5py.File(f)['summary'][:])"));
}

}  // namespace

void write_campaign(const std::filesystem::path& path, const Campaign& c) {
    std::filesystem::path temp = path;
    temp += ".partial." + std::to_string(getpid());  // array tasks may write the campaign at the same time
    std::filesystem::remove(temp);
    {
        h5::Handle f = h5::create_file(temp.string());
        h5::write_attribute(f.id(), "format", std::string("qdes-campaign"));
        h5::write_attribute(f.id(), "format_version", std::uint64_t(1));
        h5::write_attribute(f.id(), "scenario_file", c.scenario_file);
        h5::write_attribute(f.id(), "command_line", c.command_line);
        h5::write_string_dataset(f.id(), "sweep_json", c.sweep_json);
        std::vector<std::string> value_json;
        for (const CampaignPoint& p : c.points) {
            Json v = Json::object();
            for (const auto& [k, val] : p.values) v[k] = Json(val);
            value_json.push_back(v.dump());
        }
        std::vector<PointRow> points;
        std::vector<ValueRow> values;
        for (std::size_t i = 0; i < c.points.size(); ++i) {
            const CampaignPoint& p = c.points[i];
            points.push_back(PointRow{p.index, p.replica, p.status.c_str(), p.file.c_str(), value_json[i].c_str()});
            for (const auto& [k, v] : p.values) values.push_back(ValueRow{p.index, k.c_str(), v.c_str()});
        }
        std::vector<ResultRow> results;
        for (const CampaignResult& r : c.results)
            results.push_back(ResultRow{r.point, r.statistic.c_str(), r.kind.c_str(), r.unit.c_str(), r.value,
                                        r.std_error, r.lower, r.upper, r.count});
        h5::write_table(
            f.id(), "points", point_type(), points,
            "one row per sweep point: index, replica, status, run file (beside this file), swept values as a "
            "JSON object of key path -> YAML value");
        h5::write_table(f.id(), "values", value_type(), values,
                        "one row per point and swept key: the key path and its value (YAML text), in the sweep's axis "
                        "order");
        h5::write_table(f.id(), "results", result_type(), results,
                        "one row per point and statistic of the point's run: value and standard error; lower and upper "
                        "are an estimate's interval, or value -+ std_error");
        write_summary(f.id(), c);
        // /runs/<point file stem>: external links to the completed points' run files, beside this file.
        h5::Handle runs = h5::create_group(f.id(), "runs");
        const std::filesystem::path dir = path.parent_path();
        for (const CampaignPoint& p : c.points) {
            if (p.status != "completed" && p.status != "skipped") continue;
            if (!std::filesystem::exists(dir / p.file)) continue;
            const std::string stem = std::filesystem::path(p.file).stem().string();
            h5::check(H5Lcreate_external(p.file.c_str(), "/", runs.id(), stem.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                      "link " + p.file);
        }
    }
    std::filesystem::rename(temp, path);
}

Campaign read_campaign(const std::filesystem::path& path) {
    Campaign c;
    h5::Handle f = h5::open_file_read(path.string());
    if (h5::read_string_attribute(f.id(), "format") != "qdes-campaign")
        throw std::runtime_error("not a qdes campaign file (made by qdes sweep)");
    c.scenario_file = h5::read_string_attribute(f.id(), "scenario_file");
    c.command_line = h5::read_string_attribute(f.id(), "command_line");
    c.sweep_json = h5::read_string_dataset(f.id(), "sweep_json");
    std::map<std::uint64_t, std::size_t> by_index;
    h5::read_rows<PointRow>(f.id(), "points", point_type(), [&](const PointRow& r) {
        by_index[r.index] = c.points.size();
        c.points.push_back(CampaignPoint{r.index, r.replica, r.status, r.file, {}});
    });
    h5::read_rows<ValueRow>(f.id(), "values", value_type(), [&](const ValueRow& r) {
        auto it = by_index.find(r.point);
        if (it != by_index.end()) c.points[it->second].values.emplace_back(r.key, r.value);
    });
    h5::read_rows<ResultRow>(f.id(), "results", result_type(), [&](const ResultRow& r) {
        c.results.push_back(
            CampaignResult{r.point, r.statistic, r.kind, r.unit, r.value, r.std_error, r.lower, r.upper, r.count});
    });
    return c;
}

}  // namespace qdes
