// The HDF5 readers of `qdes inspect` (run files) and `qdes report` (campaign files). The input is a recipe of
// groups, attributes and datasets (fuzz/h5_recipe.py writes one from a real file, and the seeds in
// fuzz/corpus/hdf5/ are qdes's own files); the harness builds the file through the HDF5 library and runs both
// commands on it: attributes and tables missing, of another type, holding strange values or JSON, tables of
// other shapes. Each command must answer with its exit code (0, or 2 with a message) and never crash, leak or
// throw.
//
// The file is written by the library rather than taken as raw bytes: on corrupted bytes libhdf5 1.10.8 itself
// can spin (a damaged global heap of variable-length strings kept H5HG_read busy for over a minute in
// H5Aread), which is the library's to fix and would hide the readers' own faults.

#include <fcntl.h>
#include <unistd.h>

#include <hdf5.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "apps/qdes/cli.h"
#include "fuzz/fuzz_support.h"

namespace {

/// A private directory for this process's input file and report output, removed at exit.
struct Scratch {
    std::filesystem::path dir, file;
    Scratch() {
        char tmpl[] = "/tmp/qdes-fuzz-hdf5-XXXXXX";
        if (!mkdtemp(tmpl)) qdes::fuzz::finding("cannot make a scratch directory");
        dir = tmpl;
        file = dir / "input.h5";
    }
    ~Scratch() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

/// Runs a command with its stdout and stderr sent to /dev/null (the messages are not what is tested).
int quietly(int (*command)(const std::vector<std::string>&), const std::vector<std::string>& args) {
    std::fflush(stdout);
    std::fflush(stderr);
    const int saved_out = dup(1), saved_err = dup(2), null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    int code = -1;
    try {
        code = command(args);
    } catch (const std::exception& e) {
        std::fflush(nullptr);
        dup2(saved_err, 2);
        qdes::fuzz::finding(std::string("a command threw: ") + e.what());
    }
    std::fflush(stdout);
    std::fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(null);
    close(saved_out);
    close(saved_err);
    return code;
}

std::vector<std::string> split(const std::string& line, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t at = line.find(sep, start);
        out.push_back(line.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) return out;
        start = at + 1;
    }
}

/// The HDF5 type of a recipe type letter (the caller closes it), or -1.
hid_t type_of(char t) {
    switch (t) {
        case 's': {
            const hid_t s = H5Tcopy(H5T_C_S1);
            H5Tset_size(s, H5T_VARIABLE);
            H5Tset_cset(s, H5T_CSET_UTF8);
            return s;
        }
        case 'u': return H5Tcopy(H5T_STD_U64LE);
        case 'i': return H5Tcopy(H5T_STD_I64LE);
        case 'd': return H5Tcopy(H5T_IEEE_F64LE);
        case 'b': return H5Tcopy(H5T_STD_U8LE);
        default: return -1;
    }
}

std::size_t size_of(char t) { return t == 's' ? sizeof(char*) : t == 'b' ? 1 : 8; }

/// Stores `text` as a value of type `t` at `at` (strings point into `keep`).
void put(char t, const std::string& text, unsigned char* at, std::vector<std::string>& keep) {
    switch (t) {
        case 's': {
            const char* p = keep.emplace_back(text).c_str();
            std::memcpy(at, &p, sizeof p);
            break;
        }
        case 'u': {
            const std::uint64_t v = std::strtoull(text.c_str(), nullptr, 10);
            std::memcpy(at, &v, 8);
            break;
        }
        case 'i': {
            const std::int64_t v = std::strtoll(text.c_str(), nullptr, 10);
            std::memcpy(at, &v, 8);
            break;
        }
        case 'd': {
            const double v = std::strtod(text.c_str(), nullptr);
            std::memcpy(at, &v, 8);
            break;
        }
        case 'b': *at = static_cast<unsigned char>(std::strtoul(text.c_str(), nullptr, 10)); break;
    }
}

/// Builds the recipe's file; false when the library refuses a step (a bad name, a duplicate): such inputs are
/// skipped, as they describe no file.
class Builder {
  public:
    explicit Builder(const std::string& path) : file_(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) {}
    ~Builder() {
        if (file_ >= 0) H5Fclose(file_);
    }
    bool ok() const { return file_ >= 0 && ok_; }

    void line(const std::string& text) {
        if (!ok()) return;
        const std::vector<std::string> f = split(text, '\t');
        if (f[0] == "row") {
            if (table_.empty()) return fail();
            rows_.push_back(std::vector<std::string>(f.begin() + 1, f.end()));
            return;
        }
        flush();
        if (f[0] == "group" && f.size() == 2) {
            const hid_t g = H5Gcreate2(file_, f[1].c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            if (g < 0) return fail();
            H5Gclose(g);
        } else if (f[0] == "attr" && f.size() == 5 && f[3].size() == 1) {
            write_attribute(f[1], f[2], f[3][0], f[4]);
        } else if (f[0] == "string" && f.size() == 3) {
            write_table(f[1], {{"", 's'}}, {{f[2]}}, /*scalar=*/true);
        } else if (f[0] == "table" && f.size() >= 2) {
            table_ = f[1];
            fields_.clear();
            for (std::size_t i = 2; i < f.size(); ++i) {
                const std::size_t colon = f[i].rfind(':');
                if (colon == std::string::npos || colon + 2 != f[i].size()) return fail();
                fields_.emplace_back(f[i].substr(0, colon), f[i][colon + 1]);
            }
            if (fields_.empty() || fields_.size() > 64) return fail();
        } else if (!f[0].empty()) {
            fail();
        }
    }
    void flush() {
        if (table_.empty()) return;
        write_table(table_, fields_, rows_, false);
        table_.clear();
        rows_.clear();
    }

  private:
    void fail() { ok_ = false; }

    void write_attribute(const std::string& path, const std::string& name, char t, const std::string& value) {
        const hid_t obj = H5Oopen(file_, path.c_str(), H5P_DEFAULT);
        if (obj < 0) return fail();
        const hid_t type = type_of(t), space = H5Screate(H5S_SCALAR);
        hid_t attr = type < 0 ? -1 : H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attr >= 0) {
            std::vector<std::string> keep;
            keep.reserve(1);
            unsigned char buf[8] = {};
            put(t, value, buf, keep);
            if (H5Awrite(attr, type, buf) < 0) fail();
            H5Aclose(attr);
        } else {
            fail();
        }
        if (type >= 0) H5Tclose(type);
        H5Sclose(space);
        H5Oclose(obj);
    }

    void write_table(const std::string& path, const std::vector<std::pair<std::string, char>>& fields,
                     const std::vector<std::vector<std::string>>& rows, bool scalar) {
        std::size_t row_size = 0;
        for (const auto& [name, t] : fields) row_size += size_of(t);
        hid_t type;
        if (scalar) {
            type = type_of('s');
        } else {
            type = H5Tcreate(H5T_COMPOUND, row_size);
            std::size_t offset = 0;
            for (const auto& [name, t] : fields) {
                const hid_t member = type_of(t);
                if (member < 0 || H5Tinsert(type, name.c_str(), offset, member) < 0) fail();
                if (member >= 0) H5Tclose(member);
                offset += size_of(t);
            }
        }
        const hsize_t n = rows.size();
        const hid_t space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
        const hid_t ds = ok() ? H5Dcreate2(file_, path.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : -1;
        if (ds >= 0) {
            std::vector<unsigned char> data(std::max<std::size_t>(1, row_size * rows.size()));
            std::vector<std::string> keep;
            keep.reserve(fields.size() * rows.size());
            for (std::size_t r = 0; r < rows.size(); ++r) {
                std::size_t offset = 0;
                for (std::size_t c = 0; c < fields.size(); ++c) {
                    put(fields[c].second, c < rows[r].size() ? rows[r][c] : std::string(),
                        data.data() + r * row_size + offset, keep);
                    offset += size_of(fields[c].second);
                }
            }
            if (!rows.empty() && H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0) fail();
            H5Dclose(ds);
        } else {
            fail();
        }
        H5Sclose(space);
        H5Tclose(type);
    }

    hid_t file_;
    bool ok_ = true;
    std::string table_;
    std::vector<std::pair<std::string, char>> fields_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace qdes;
    static Scratch scratch;
    static const bool silenced = (H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr), true);
    (void)silenced;
    {
        Builder file(scratch.file.string());
        std::istringstream in(fuzz::text_of(data, size));
        std::size_t lines = 0;
        for (std::string line; std::getline(in, line) && file.ok();)
            if (++lines <= 4096) file.line(line);
        file.flush();
        if (std::getenv("QDES_FUZZ_VERBOSE")) std::fprintf(stderr, "  recipe %s\n", file.ok() ? "built" : "refused");
        if (!file.ok()) return 0;
    }
    const int inspect = quietly(cli::inspect_main, {scratch.file.string()});
    fuzz::require(inspect == cli::kExitOk || inspect == cli::kExitBadInput,
                  "qdes inspect exited with " + std::to_string(inspect));
    const std::vector<std::string> report_args{scratch.file.string(), "--no-plots", "--out", scratch.dir.string()};
    const int report = quietly(cli::report_main, report_args);
    fuzz::require(report == cli::kExitOk || report == cli::kExitBadInput,
                  "qdes report exited with " + std::to_string(report));
    if (std::getenv("QDES_FUZZ_VERBOSE")) std::fprintf(stderr, "  inspect %d, report %d\n", inspect, report);
    return 0;
}
