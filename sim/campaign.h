#pragma once
/// The campaign file of a sweep (`qdes sweep` writes it, `qdes report` reads it): DIR/<name>-campaign.h5 with
///   points:  index, replica, status, file (beside the campaign), values (JSON object of key path -> YAML value)
///   values:  point, key, value (the same values in long form, in the sweep's axis order)
///   results: point, statistic, kind, unit, value, std_error, lower, upper, count (one row per point and statistic)
///   summary: one row per point, wide: index, replica, status, file, each swept key, each statistic and its
///            <statistic>:std_error (for pandas in one call)
///   runs/<point>: external links to the completed points' run files
/// and the attributes format = "qdes-campaign", format_version, scenario_file, command_line, plus the dataset
/// sweep_json. Documented in docs/scenario_format.md.

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace qdes {

struct CampaignPoint {
    std::uint64_t index = 0, replica = 0;
    /// pending, skipped (already complete), completed, failed, interrupted; for another array task's point, its
    /// file's status (running, failed, truncated) or pending
    std::string status;
    std::string file;    ///< file name, beside the campaign
    std::vector<std::pair<std::string, std::string>> values;  ///< key path -> YAML value, in axis order
};

struct CampaignResult {
    std::uint64_t point = 0;
    std::string statistic, kind, unit;
    double value = 0, std_error = 0;
    double lower = 0, upper = 0;  ///< an estimate's interval, or value -+ std_error
    std::uint64_t count = 0;
};

struct Campaign {
    std::string scenario_file, command_line, sweep_json;
    std::vector<CampaignPoint> points;
    std::vector<CampaignResult> results;
};

/// Writes `path` whole: to path.partial.<pid>, then renamed over it (so concurrent writers never mix). Throws h5::Error
/// or std::filesystem_error.
void write_campaign(const std::filesystem::path& path, const Campaign& campaign);

/// Throws h5::Error when the file cannot be read, std::runtime_error when it is not a campaign file.
Campaign read_campaign(const std::filesystem::path& path);

}  // namespace qdes
