#pragma once
/// Detector error models: independent error mechanisms, each with its probability and the detectors and
/// observables it flips, in Stim's `.dem` text format (docs/dem_format.md).
///
/// Read: `error(p)`, `detector(coords...)`, `logical_observable`, `shift_detectors(coords...) k`, `repeat N { }`,
/// comments, Stim's optional `[tag]` after an instruction name, and `^` separators that split an error into
/// graphlike parts. Loops and shifts are unrolled on reading, so a model here is always flat: every detector index
/// is absolute. Written: the flat form, which Stim, PyMatching and qdes read back.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace qdes::quantum {

/// What one error (or one part of a decomposed error) flips: detectors ascending, observables as bits.
struct DemSymptom {
    std::vector<std::uint32_t> detectors;
    std::uint64_t observables = 0;  ///< bit k: observable L<k>
    friend bool operator==(const DemSymptom&, const DemSymptom&) = default;
    friend auto operator<=>(const DemSymptom&, const DemSymptom&) = default;
    bool empty() const { return detectors.empty() && observables == 0; }
};

/// " D0 D3 L1": the symptom as the targets of a .dem error line.
std::string symptom_text(const DemSymptom& s);
/// XOR of two symptoms (symmetric difference of the detector sets).
DemSymptom xor_symptoms(const DemSymptom& a, const DemSymptom& b);
/// `a` becomes a XOR b.
void xor_into(DemSymptom& a, const DemSymptom& b);

struct DemErrorMechanism {
    double p = 0;
    /// One part, or the graphlike parts of a decomposed error (`^` in the text); their XOR is what it flips.
    std::vector<DemSymptom> parts;
    int line = 0;  ///< source line (the circuit's noise instruction, or the .dem line); 0 when unknown

    DemSymptom combined() const;
};

struct DetectorErrorModel {
    std::string source = "<dem>";
    std::uint64_t num_detectors = 0;
    std::uint32_t num_observables = 0;
    std::vector<DemErrorMechanism> errors;
    /// Coordinates of the detectors that have them (after shifts), by detector index; empty otherwise.
    std::vector<std::vector<double>> detector_coords;

    /// Flat Stim text: one `error` line per mechanism, then `detector` lines for detectors with coordinates and
    /// `logical_observable` lines so that the counts survive a round trip. Probabilities in the shortest form that
    /// reads back exactly.
    std::string to_text() const;
};

/// A malformed model: `file:line: message`.
class DemFormatError : public std::runtime_error {
  public:
    DemFormatError(const std::string& file, int line, const std::string& message);
    int line() const { return line_; }

  private:
    int line_;
};

/// Parses Stim's `.dem` text; DemFormatError names the line of the first problem. At most 64 observables.
/// The most detectors a .dem file may index (D0 .. D<kMaxDemDetectors - 1>).
inline constexpr std::uint64_t kMaxDemDetectors = std::uint64_t(1) << 26;

DetectorErrorModel parse_dem(std::string_view text, std::string source = "<dem>");
/// Reads and parses a file; DemFormatError names the file when it cannot be read.
DetectorErrorModel read_dem_file(const std::string& path);

/// Merges mechanisms with the same combined symptom (independent: p = p1 (1 - p2) + p2 (1 - p1)), drops those
/// that flip nothing, and sorts by symptom. The first mechanism's decomposition and line are kept.
void merge_equal_errors(DetectorErrorModel& model);

/// The probability that detector d fires, for every detector: 1/2 (1 - prod (1 - 2 p_i)) over the mechanisms
/// that flip it. Exact for independent mechanisms.
std::vector<double> detector_firing_probabilities(const DetectorErrorModel& model);

}  // namespace qdes::quantum
