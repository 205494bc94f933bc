// qdes inspect RUN.h5: status, scenario, tables with row counts, summary.

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "apps/qdes/cli.h"
#include "sim/h5.h"
#include "sim/run_file.h"

namespace qdes::cli {
namespace {

std::uint64_t row_count(hid_t dataset) {
    h5::Handle space(H5Dget_space(dataset), H5Sclose, "get dataspace");
    hsize_t dims[1] = {0};
    if (H5Sget_simple_extent_ndims(space.id()) == 1) H5Sget_simple_extent_dims(space.id(), dims, nullptr);
    return dims[0];
}

std::string column_list(hid_t dataset) {
    h5::Handle type(H5Dget_type(dataset), H5Tclose, "get type");
    std::string s;
    int n = H5Tget_nmembers(type.id());
    for (int i = 0; i < n; ++i) {
        char* name = H5Tget_member_name(type.id(), unsigned(i));
        s += (s.empty() ? "" : ", ") + std::string(name);
        H5free_memory(name);
    }
    return s;
}

/// Block style everywhere except short lists of scalars, which read best on one line.
void set_block_style(YAML::Node node) {
    if (node.IsMap()) {
        node.SetStyle(YAML::EmitterStyle::Block);
        for (auto kv : node) set_block_style(kv.second);
    } else if (node.IsSequence()) {
        bool scalars = true;
        for (auto item : node) scalars = scalars && item.IsScalar();
        node.SetStyle(scalars ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block);
        for (auto item : node) set_block_style(item);
    }
}

std::string attribute_or(hid_t object, const char* name, const std::string& fallback) {
    if (H5Aexists(object, name) <= 0) return fallback;
    try {
        return h5::read_string_attribute(object, name);
    } catch (const h5::Error&) {
        return fallback;
    }
}

void print_trace_tables(hid_t file) {
    std::printf("\ntrace tables:\n");
    if (H5Lexists(file, "trace", H5P_DEFAULT) <= 0) {
        std::printf("  (no /trace group)\n");
        return;
    }
    h5::Handle group(H5Gopen2(file, "trace", H5P_DEFAULT), H5Gclose, "open /trace");
    H5G_info_t info;
    h5::check(H5Gget_info(group.id(), &info), "list /trace");
    if (info.nlinks == 0) std::printf("  (none recorded)\n");
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        char name[512];
        H5Lget_name_by_idx(group.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
        h5::Handle ds(H5Dopen2(group.id(), name, H5P_DEFAULT), H5Dclose, "open trace table");
        std::printf("  %-28s %12llu rows   columns: %s\n", name, static_cast<unsigned long long>(row_count(ds.id())),
                    column_list(ds.id()).c_str());
    }
}

void print_summary(hid_t file) {
    std::printf("\nsummary:\n");
    if (H5Lexists(file, "summary", H5P_DEFAULT) <= 0) {
        std::printf("  (no /summary: the run did not get that far)\n");
        return;
    }
    h5::Handle ds(H5Dopen2(file, "summary", H5P_DEFAULT), H5Dclose, "open /summary");
    std::string reason = attribute_or(ds.id(), "stop_reason", "");
    if (!reason.empty()) std::printf("  stop reason: %s\n", reason.c_str());
    h5::Handle t = summary_row_type();
    std::vector<SummaryRow> rows(row_count(ds.id()));
    if (rows.empty()) return;
    h5::Handle space(H5Dget_space(ds.id()), H5Sclose, "get dataspace");
    const herr_t read = H5Dread(ds.id(), t.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data());
    if (read >= 0) {
        print_results_header("name", "value");
        for (const SummaryRow& r : rows) {
            print_result_row(r.name ? r.name : "", r.value, r.std_error, r.unit ? r.unit : "");
        }
    }
    // Also after a read that failed part-way (a field of another type): the strings it allocated are freed.
    H5Dvlen_reclaim(t.id(), space.id(), H5P_DEFAULT, rows.data());
    h5::check(read, "read /summary");
}

}  // namespace

int inspect_main(const std::vector<std::string>& args) {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::printf(
            "usage: qdes inspect RUN.h5\n\nPrints a run file's status, the resolved scenario, its trace "
            "tables with row counts and columns, and the summary.\n");
        return kExitOk;
    }
    if (args.size() != 1) {
        std::fprintf(stderr, "qdes inspect: expected one run file (see qdes inspect --help)\n");
        return kExitBadInput;
    }
    const std::string& path = args[0];
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        std::fprintf(stderr, "qdes inspect: %s: no such file\n", path.c_str());
        return kExitBadInput;
    }
    h5::silence_library_errors();
    if (H5Fis_hdf5(path.c_str()) <= 0) {
        std::fprintf(stderr, "qdes inspect: %s: not an HDF5 file\n", path.c_str());
        return kExitBadInput;
    }
    try {
        h5::Handle file = h5::open_file_read(path);
        if (attribute_or(file.id(), "format", "") != "qdes-run") {
            std::fprintf(stderr, "qdes inspect: %s: an HDF5 file, but not a qdes run file\n", path.c_str());
            return kExitBadInput;
        }
        std::string status = attribute_or(file.id(), "status", "?");
        std::string message = attribute_or(file.id(), "status_message", "");
        std::printf("file:    %s\nstatus:  %s%s\n", path.c_str(), status.c_str(),
                    message.empty() ? "" : (" (" + message + ")").c_str());
        if (H5Lexists(file.id(), "meta", H5P_DEFAULT) > 0) {
            h5::Handle meta(H5Gopen2(file.id(), "meta", H5P_DEFAULT), H5Gclose, "open /meta");
            std::uint64_t seed = 0;
            h5::Handle seed_attr(H5Aopen(meta.id(), "seed", H5P_DEFAULT), H5Aclose, "open seed");
            H5Aread(seed_attr.id(), H5T_NATIVE_UINT64, &seed);
            std::printf("seed:    %llu\nversion: %s\ncommand: %s\nstarted: %s\nended:   %s\n",
                        static_cast<unsigned long long>(seed), attribute_or(meta.id(), "code_version", "?").c_str(),
                        attribute_or(meta.id(), "command_line", "?").c_str(),
                        attribute_or(meta.id(), "start_time", "?").c_str(),
                        attribute_or(meta.id(), "end_time", "").c_str());
            std::string json = h5::read_string_dataset(meta.id(), "scenario_json");
            YAML::Node scenario = YAML::Load(json);  // JSON is YAML: print it as block YAML for people
            set_block_style(scenario);
            YAML::Emitter out;
            out << scenario;
            std::printf("\nscenario (resolved, from %s):\n", attribute_or(meta.id(), "scenario_file", "?").c_str());
            std::string text = out.c_str();
            std::string indented = "  ";
            for (char c : text) indented += c == '\n' ? std::string("\n  ") : std::string(1, c);
            std::printf("%s\n", indented.c_str());
        }
        print_trace_tables(file.id());
        print_summary(file.id());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "qdes inspect: %s: %s\n", path.c_str(), e.what());
        return kExitBadInput;
    }
    return kExitOk;
}

}  // namespace qdes::cli
