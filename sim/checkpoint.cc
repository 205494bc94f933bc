#include "sim/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include "sim/h5.h"
#include "sim/run_file.h"

namespace qdes {

namespace {

constexpr std::uint64_t kFormatVersion = 1;

void write_bytes(hid_t parent, const std::string& name, const std::vector<std::uint8_t>& bytes) {
    const hsize_t dims[1] = {bytes.size()};
    h5::Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create dataspace");
    h5::Handle ds(H5Dcreate2(parent, name.c_str(), H5T_NATIVE_UINT8, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose, ("create dataset " + name).c_str());
    if (!bytes.empty())
        h5::check(H5Dwrite(ds.id(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()),
                  "write dataset " + name);
}

std::vector<std::uint8_t> read_bytes(hid_t parent, const std::string& name) {
    h5::Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, ("open dataset " + name).c_str());
    h5::Handle space(H5Dget_space(ds.id()), H5Sclose, "dataspace");
    if (H5Sget_simple_extent_ndims(space.id()) != 1) throw CheckpointError("dataset " + name + " is not a byte list");
    hsize_t dims[1] = {0};
    H5Sget_simple_extent_dims(space.id(), dims, nullptr);
    std::vector<std::uint8_t> bytes(dims[0]);
    if (!bytes.empty())
        h5::check(H5Dread(ds.id(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()),
                  "read dataset " + name);
    return bytes;
}

void write_group(hid_t file, const std::string& group, const std::vector<NamedState>& states) {
    h5::Handle g = h5::create_group(file, group);
    for (const NamedState& s : states) write_bytes(g.id(), s.name, s.bytes);
}

std::vector<NamedState> read_group(hid_t file, const std::string& group) {
    h5::Handle g = h5::open_group(file, group);
    std::vector<NamedState> out;
    for (const std::string& name : h5::member_names(g.id())) out.push_back({name, read_bytes(g.id(), name)});
    return out;
}

/// Flushes a file's data to the disk, so that the rename that follows never publishes an empty file.
void sync_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

void StateWriter::put(char tag, const void* data, std::size_t n) {
    bytes_.push_back(std::uint8_t(tag));
    const auto* p = static_cast<const std::uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + n);
}

void StateReader::get(char tag, void* data, std::size_t n) {
    if (at_ >= bytes_.size() || bytes_[at_] != std::uint8_t(tag))
        fail(at_ >= bytes_.size() ? "it ends early" : "its layout differs from this code's");
    ++at_;
    if (n > bytes_.size() - at_) fail("it ends early");
    if (n > 0) std::memcpy(data, bytes_.data() + at_, n);
    at_ += n;
}

void StateReader::expect_end() const {
    if (at_ != bytes_.size()) fail("it holds more than this code reads");
}

void StateReader::fail(const std::string& why) const {
    throw CheckpointError("the saved state of " + what_ + " cannot be read: " + why);
}

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& c) {
    std::filesystem::path tmp = path;
    tmp += ".tmp." + std::to_string(::getpid());
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    {
        h5::Handle f = h5::create_file(tmp.string());
        h5::write_attribute(f.id(), "format", std::string("qdes-checkpoint"));
        h5::write_attribute(f.id(), "format_version", kFormatVersion);
        h5::write_attribute(f.id(), "code_version", c.code_version);
        h5::write_attribute(f.id(), "now_ps", std::uint64_t(c.now_ps));
        h5::write_attribute(f.id(), "events", c.events);
        h5::write_attribute(f.id(), "written_at", utc_now_iso8601());
        h5::write_string_dataset(f.id(), "scenario_json", c.scenario_json);
        write_group(f.id(), "statistics", c.statistics);
        write_group(f.id(), "components", c.components);
    }
    sync_file(tmp);
    std::filesystem::rename(tmp, path);
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
    Checkpoint c;
    try {
        h5::Handle f = h5::open_file_read(path.string());
        if (!h5::has_attribute(f.id(), "format") || h5::read_string_attribute(f.id(), "format") != "qdes-checkpoint")
            throw CheckpointError(path.string() + " is not a qdes checkpoint");
        const std::uint64_t version = h5::read_u64_attribute(f.id(), "format_version");
        if (version != kFormatVersion)
            throw CheckpointError(path.string() + " has checkpoint format " + std::to_string(version) +
                                  "; this qdes reads format " + std::to_string(kFormatVersion));
        c.code_version = h5::read_string_attribute(f.id(), "code_version");
        c.now_ps = TimePs(h5::read_u64_attribute(f.id(), "now_ps"));
        c.events = h5::read_u64_attribute(f.id(), "events");
        c.written_at = h5::read_string_attribute(f.id(), "written_at");
        c.scenario_json = h5::read_string_dataset(f.id(), "scenario_json");
        c.statistics = read_group(f.id(), "statistics");
        c.components = read_group(f.id(), "components");
    } catch (const h5::Error& e) {
        throw CheckpointError(path.string() + " cannot be read as a checkpoint: " + e.what());
    }
    return c;
}

}  // namespace qdes
