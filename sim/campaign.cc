#include "sim/campaign.h"

#include <unistd.h>

#include <cstddef>
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

void add(const h5::Handle& t, const char* name, std::size_t offset, hid_t type) {
    h5::check(H5Tinsert(t.id(), name, offset, type), std::string("add field ") + name);
}

h5::Handle point_type() {
    h5::Handle str = h5::vlen_string_type();
    h5::Handle t(H5Tcreate(H5T_COMPOUND, sizeof(PointRow)), H5Tclose, "create compound type");
    add(t, "index", offsetof(PointRow, index), H5T_NATIVE_UINT64);
    add(t, "replica", offsetof(PointRow, replica), H5T_NATIVE_UINT64);
    add(t, "status", offsetof(PointRow, status), str.id());
    add(t, "file", offsetof(PointRow, file), str.id());
    add(t, "values", offsetof(PointRow, values), str.id());
    return t;
}

h5::Handle value_type() {
    h5::Handle str = h5::vlen_string_type();
    h5::Handle t(H5Tcreate(H5T_COMPOUND, sizeof(ValueRow)), H5Tclose, "create compound type");
    add(t, "point", offsetof(ValueRow, point), H5T_NATIVE_UINT64);
    add(t, "key", offsetof(ValueRow, key), str.id());
    add(t, "value", offsetof(ValueRow, value), str.id());
    return t;
}

h5::Handle result_type() {
    h5::Handle str = h5::vlen_string_type();
    h5::Handle t(H5Tcreate(H5T_COMPOUND, sizeof(ResultRow)), H5Tclose, "create compound type");
    add(t, "point", offsetof(ResultRow, point), H5T_NATIVE_UINT64);
    add(t, "statistic", offsetof(ResultRow, statistic), str.id());
    add(t, "kind", offsetof(ResultRow, kind), str.id());
    add(t, "unit", offsetof(ResultRow, unit), str.id());
    add(t, "value", offsetof(ResultRow, value), H5T_NATIVE_DOUBLE);
    add(t, "std_error", offsetof(ResultRow, std_error), H5T_NATIVE_DOUBLE);
    add(t, "lower", offsetof(ResultRow, lower), H5T_NATIVE_DOUBLE);
    add(t, "upper", offsetof(ResultRow, upper), H5T_NATIVE_DOUBLE);
    add(t, "count", offsetof(ResultRow, count), H5T_NATIVE_UINT64);
    return t;
}

template <class Row>
void write_table(hid_t file, const char* name, h5::Handle type, const std::vector<Row>& rows, const std::string& doc) {
    h5::Table table(file, name, std::move(type), std::max<std::uint64_t>(1, rows.size()));
    table.append(rows.data(), rows.size());
    h5::write_attribute(table.id(), "doc", doc);
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
        write_table(f.id(), "points", point_type(), points,
                    "one row per sweep point: index, replica, status, run file (beside this file), swept values as a "
                    "JSON object of key path -> YAML value");
        write_table(f.id(), "values", value_type(), values,
                    "one row per point and swept key: the key path and its value (YAML text), in the sweep's axis "
                    "order");
        write_table(f.id(), "results", result_type(), results,
                    "one row per point and statistic of the point's run: value and standard error; lower and upper "
                    "are an estimate's interval, or value -+ std_error");
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
