#pragma once
/// Labelled image sets read from Debian's packaged files, offline.
///
/// - `fashion-mnist`: Debian's dataset-fashion-mnist, IDX files gzip-compressed under
///   /usr/share/datasets/fashion-mnist/ (60 000 train, 10 000 test, 28x28, 10 classes); pixels scaled to [0, 1].
/// - `digits`: scikit-learn's 8x8 handwritten digits from python3-sklearn's digits.csv.gz (1797 samples, values
///   0..16 scaled to [0, 1], as [64] vectors). qdes's fixed split: the rows whose index mod 10 is 7, 8 or 9 are
///   the test set (537 samples), the others the training set (1260).
/// - `digits-28`: the digits as 28x28 images: each pixel repeated 3x3, then 2 zero pixels around (for networks
///   built for Fashion-MNIST).

#include <cstdint>
#include <string>
#include <vector>

#include "models/nn/graph.h"

namespace qdes::nn {

struct Dataset {
    std::string name;
    std::string split;  ///< "train" or "test"
    Tensor samples;     ///< [n, sample shape...]
    std::vector<int> labels;
    int classes = 0;

    std::int64_t size() const { return static_cast<std::int64_t>(labels.size()); }
    Shape sample_shape() const { return Shape(samples.shape.begin() + 1, samples.shape.end()); }
    /// Samples [first, first + count) as one batch.
    Tensor batch(std::int64_t first, std::int64_t count) const;
    /// The subset of these samples, in the given order.
    Dataset subset(const std::vector<std::int64_t>& indices) const;
};

/// Thrown when a dataset's files are missing or malformed; the message names the file and the Debian package.
class DatasetError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Reads one IDX file (gzip-compressed or not): its dimensions and its unsigned bytes.
struct IdxFile {
    std::vector<std::int64_t> dims;
    std::vector<std::uint8_t> bytes;
};
IdxFile read_idx(const std::string& path);

constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
constexpr const char* kDigitsCsv = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

Dataset load_fashion_mnist(const std::string& split, const std::string& dir = kFashionMnistDir);
Dataset load_digits(const std::string& split, const std::string& csv_gz = kDigitsCsv);
/// 8x8 digits as 28x28 images (see above).
Dataset digits_as_28(const Dataset& digits);
/// The indices of qdes's digits test split (index mod 10 in {7, 8, 9}).
std::vector<std::int64_t> digits_test_indices();

/// `name` is fashion-mnist, digits or digits-28; `split` train or test.
Dataset load_dataset(const std::string& name, const std::string& split);
/// The dataset names load_dataset knows.
const std::vector<std::string>& dataset_names();

}  // namespace qdes::nn
