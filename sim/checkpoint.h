#pragma once
/// Checkpoints of long runs (a scenario's record.checkpoint_interval): at a safe point a component offers between
/// two of its batches, once the interval has passed on the wall clock, the simulation saves what an exact
/// continuation needs: the simulated time, the event count, every statistic and every component's state (the
/// shots done, their failure times, the random generators' positions). `qdes run` resumes from the file when it
/// finds one for the same resolved scenario, and refuses one written by another code version.
///
/// The file, <run>.h5.checkpoint beside the run file, is HDF5: attributes format = "qdes-checkpoint",
/// format_version, code_version, now_ps, events, written_at; the dataset scenario_json; and the groups statistics/
/// and components/ holding one opaque uint8 dataset per statistic or component (StateWriter's layout). It is
/// written to a temporary name, flushed to disk and renamed, so a kill leaves the previous checkpoint whole.

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/time.h"

namespace qdes {

/// A checkpoint that cannot be used: unreadable, of another format or code version, or not matching what reads it.
class CheckpointError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A component's or statistic's saved state: values in a fixed order, each tagged with its type so that a reader
/// expecting another layout fails at once instead of reading garbage.
class StateWriter {
  public:
    void u64(std::uint64_t v) { put('u', &v, sizeof v); }
    void f64(double v) { put('d', &v, sizeof v); }
    void flag(bool v) { u64(v ? 1 : 0); }
    template <class T>
    void vec(const std::vector<T>& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        u64(v.size());
        put('v', v.data(), v.size() * sizeof(T));
    }
    const std::vector<std::uint8_t>& bytes() const { return bytes_; }

  private:
    void put(char tag, const void* data, std::size_t n);
    std::vector<std::uint8_t> bytes_;
};

/// Reads what a StateWriter wrote, in the same order; throws CheckpointError (naming `what`) on any mismatch.
class StateReader {
  public:
    StateReader(const std::vector<std::uint8_t>& bytes, std::string what) : bytes_(bytes), what_(std::move(what)) {}
    std::uint64_t u64() {
        std::uint64_t v;
        get('u', &v, sizeof v);
        return v;
    }
    double f64() {
        double v;
        get('d', &v, sizeof v);
        return v;
    }
    bool flag() { return u64() != 0; }
    template <class T>
    void vec(std::vector<T>& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        const std::uint64_t n = u64();
        if (n > (bytes_.size() - at_) / std::max<std::size_t>(sizeof(T), 1)) fail("a list longer than the state");
        v.resize(n);
        get('v', v.data(), n * sizeof(T));
    }
    /// Throws unless every byte was read.
    void expect_end() const;

  private:
    void get(char tag, void* data, std::size_t n);
    [[noreturn]] void fail(const std::string& why) const;
    const std::vector<std::uint8_t>& bytes_;
    std::string what_;
    std::size_t at_ = 0;
};

struct NamedState {
    std::string name;
    std::vector<std::uint8_t> bytes;
};

struct Checkpoint {
    std::string code_version;
    std::string scenario_json;  ///< the resolved scenario it belongs to
    TimePs now_ps = 0;
    std::uint64_t events = 0;
    std::string written_at;              ///< UTC, ISO 8601 (set by write_checkpoint)
    std::vector<NamedState> statistics;  ///< "<component>.<statistic>", in registration order
    std::vector<NamedState> components;  ///< by component name, in creation order
};

/// Writes `c` to `path` (via path.tmp.<pid>, fsync, rename). Throws h5::Error or std::filesystem_error.
void write_checkpoint(const std::filesystem::path& path, const Checkpoint& c);

/// Reads a checkpoint file; throws CheckpointError when it is not one (or not of this format version).
Checkpoint read_checkpoint(const std::filesystem::path& path);

/// The checkpoint file of a run file: <run>.h5.checkpoint.
inline std::filesystem::path checkpoint_path_of(const std::filesystem::path& run_file) {
    return std::filesystem::path(run_file) += ".checkpoint";
}

}  // namespace qdes
