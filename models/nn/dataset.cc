#include "models/nn/dataset.h"

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <sstream>

namespace qdes::nn {

Tensor Dataset::batch(std::int64_t first, std::int64_t count) const {
    const std::int64_t per = element_count(sample_shape());
    count = std::max<std::int64_t>(0, std::min(count, size() - first));
    Shape shape = samples.shape;
    shape[0] = count;
    Tensor t;
    t.shape = shape;
    t.values.assign(samples.values.begin() + first * per, samples.values.begin() + (first + count) * per);
    return t;
}

Dataset Dataset::subset(const std::vector<std::int64_t>& indices) const {
    Dataset d;
    d.name = name;
    d.split = split;
    d.classes = classes;
    const std::int64_t per = element_count(sample_shape());
    d.samples.shape = samples.shape;
    d.samples.shape[0] = static_cast<std::int64_t>(indices.size());
    d.samples.values.reserve(indices.size() * static_cast<std::size_t>(per));
    for (auto i : indices) {
        if (i < 0 || i >= size()) throw DatasetError(name + ": sample index " + std::to_string(i) + " out of range");
        d.samples.values.insert(d.samples.values.end(), samples.values.begin() + i * per,
                                samples.values.begin() + (i + 1) * per);
        d.labels.push_back(labels[static_cast<std::size_t>(i)]);
    }
    return d;
}

namespace {

/// The whole (decompressed) content of a file that may be gzip-compressed.
std::string read_gz(const std::string& path, const std::string& package) {
    if (!std::filesystem::exists(path))
        throw DatasetError(path + ": not found (install the Debian package " + package + ")");
    std::unique_ptr<gzFile_s, int (*)(gzFile)> f(gzopen(path.c_str(), "rb"), gzclose);
    if (!f) throw DatasetError(path + ": cannot open");
    std::string out;
    char buf[1 << 16];
    int n = 0;
    while ((n = gzread(f.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    if (n < 0) throw DatasetError(path + ": not a readable gzip file");
    return out;
}

std::uint32_t big_endian(const std::string& s, std::size_t at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

IdxFile parse_idx(const std::string& data, const std::string& path) {
    if (data.size() < 4 || data[0] != 0 || data[1] != 0)
        throw DatasetError(path + ": not an IDX file (bad magic number)");
    if (static_cast<unsigned char>(data[2]) != 0x08)
        throw DatasetError(path + ": IDX element type " + std::to_string(static_cast<unsigned char>(data[2])) +
                           " is not unsigned bytes");
    const std::size_t rank = static_cast<unsigned char>(data[3]);
    if (data.size() < 4 + 4 * rank) throw DatasetError(path + ": truncated IDX header");
    IdxFile f;
    std::size_t count = 1;
    for (std::size_t i = 0; i < rank; ++i) {
        f.dims.push_back(big_endian(data, 4 + 4 * i));
        count *= static_cast<std::size_t>(f.dims.back());
    }
    const std::size_t offset = 4 + 4 * rank;
    if (data.size() != offset + count)
        throw DatasetError(path + ": IDX holds " + std::to_string(data.size() - offset) + " bytes, its header says " +
                           std::to_string(count));
    f.bytes.assign(data.begin() + static_cast<std::ptrdiff_t>(offset), data.end());
    return f;
}

void check_split(const std::string& split, const std::string& dataset) {
    if (split != "train" && split != "test")
        throw DatasetError(dataset + ": split must be train or test, not '" + split + "'");
}

}  // namespace

IdxFile read_idx(const std::string& path) {
    return parse_idx(read_gz(path, "dataset-fashion-mnist"), path);
}

Dataset load_fashion_mnist(const std::string& split, const std::string& dir) {
    check_split(split, "fashion-mnist");
    const std::string prefix = dir + "/" + (split == "train" ? "train" : "t10k");
    const IdxFile images = read_idx(prefix + "-images-idx3-ubyte.gz");
    const IdxFile labels = read_idx(prefix + "-labels-idx1-ubyte.gz");
    if (images.dims.size() != 3 || labels.dims.size() != 1 || images.dims[0] != labels.dims[0])
        throw DatasetError(prefix + "-*: images and labels do not match");
    Dataset d;
    d.name = "fashion-mnist";
    d.split = split;
    d.classes = 10;
    d.samples.shape = {images.dims[0], 1, images.dims[1], images.dims[2]};
    d.samples.values.resize(images.bytes.size());
    std::transform(images.bytes.begin(), images.bytes.end(), d.samples.values.begin(),
                   [](std::uint8_t b) { return static_cast<float>(b) / 255.0f; });
    for (auto b : labels.bytes) {
        if (b >= 10) throw DatasetError(prefix + "-labels-idx1-ubyte.gz: label " + std::to_string(b) + " out of 0..9");
        d.labels.push_back(b);
    }
    return d;
}

std::vector<std::int64_t> digits_test_indices() {
    std::vector<std::int64_t> out;
    for (std::int64_t i = 0; i < 1797; ++i)
        if (i % 10 >= 7) out.push_back(i);
    return out;
}

Dataset load_digits(const std::string& split, const std::string& csv_gz) {
    check_split(split, "digits");
    std::istringstream text(read_gz(csv_gz, "python3-sklearn"));
    Dataset all;
    all.name = "digits";
    all.classes = 10;
    std::string line;
    int line_no = 0;
    while (std::getline(text, line)) {
        ++line_no;
        if (line.empty()) continue;
        std::vector<float> v;
        std::istringstream row(line);
        std::string cell;
        while (std::getline(row, cell, ',')) {
            try {
                v.push_back(std::stof(cell));
            } catch (const std::exception&) {
                throw DatasetError(csv_gz + ":" + std::to_string(line_no) + ": '" + cell + "' is not a number");
            }
        }
        if (v.size() != 65)
            throw DatasetError(csv_gz + ":" + std::to_string(line_no) + ": " + std::to_string(v.size()) +
                               " columns, expected 64 pixels and a label");
        for (int i = 0; i < 64; ++i) all.samples.values.push_back(v[static_cast<std::size_t>(i)] / 16.0f);
        all.labels.push_back(static_cast<int>(v[64]));
    }
    all.samples.shape = {all.size(), 64};
    std::vector<std::int64_t> test = digits_test_indices(), keep;
    if (all.size() != 1797) throw DatasetError(csv_gz + ": " + std::to_string(all.size()) + " rows, expected 1797");
    if (split == "test") {
        keep = test;
    } else {
        for (std::int64_t i = 0; i < all.size(); ++i)
            if (i % 10 < 7) keep.push_back(i);
    }
    Dataset d = all.subset(keep);
    d.split = split;
    return d;
}

Dataset digits_as_28(const Dataset& digits) {
    Dataset d;
    d.name = "digits-28";
    d.split = digits.split;
    d.classes = digits.classes;
    d.labels = digits.labels;
    d.samples = Tensor({digits.size(), 1, 28, 28});
    for (std::int64_t s = 0; s < digits.size(); ++s)
        for (int r = 0; r < 24; ++r)
            for (int c = 0; c < 24; ++c)
                d.samples.values[static_cast<std::size_t>(s * 784 + (r + 2) * 28 + c + 2)] =
                    digits.samples.values[static_cast<std::size_t>(s * 64 + (r / 3) * 8 + c / 3)];
    return d;
}

const std::vector<std::string>& dataset_names() {
    static const std::vector<std::string> names{"fashion-mnist", "digits", "digits-28"};
    return names;
}

Dataset load_dataset(const std::string& name, const std::string& split) {
    if (name == "fashion-mnist") return load_fashion_mnist(split);
    if (name == "digits") return load_digits(split);
    if (name == "digits-28") return digits_as_28(load_digits(split));
    throw DatasetError("unknown dataset '" + name + "' (known: fashion-mnist, digits, digits-28)");
}

}  // namespace qdes::nn
