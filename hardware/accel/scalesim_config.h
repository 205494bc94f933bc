#pragma once
/// SCALE-Sim's configuration file (`scale.cfg` and friends, an INI file) read unchanged, so that its users can
/// bring their own files: `qdes accel --config FILE.cfg`.

#include <cstdint>
#include <string>

namespace qdes::accel {

enum class Dataflow { kOutputStationary, kWeightStationary, kInputStationary };

/// "os", "ws", "is".
const char* dataflow_name(Dataflow d);
/// Parses "os", "ws" or "is" (any case); false for anything else.
bool parse_dataflow(const std::string& text, Dataflow& out);

/// The settings of a SCALE-Sim v2 (or v3) configuration file that qdes models. v3-only keys (request buffers,
/// SRAM layout, sparsity, Ramulator) are accepted and recorded where they matter, so v3 files load too.
struct ScaleSimConfig {
    std::string run_name = "scale_run";
    std::uint32_t rows = 32, cols = 32;                      ///< ArrayHeight, ArrayWidth
    std::uint64_t ifmap_sram_kib = 64, filter_sram_kib = 64, ofmap_sram_kib = 64;  ///< *SramSzkB (KiB)
    std::uint64_t ifmap_offset = 0, filter_offset = 10000000, ofmap_offset = 20000000;
    Dataflow dataflow = Dataflow::kOutputStationary;
    double bandwidth_words_per_cycle = 10;  ///< Bandwidth (used when InterfaceBandwidth is USER)
    std::uint32_t memory_banks = 1;
    bool user_bandwidth = false;    ///< InterfaceBandwidth: USER (else CALC)
    bool sparsity_support = false;  ///< v3 [sparsity] SparsitySupport
    std::string source;             ///< the file read
};

/// Reads a SCALE-Sim .cfg file. Throws AccelInputError naming the file, line and key for a malformed line, an
/// unknown section or key (with a suggestion), a value of the wrong type, or a zero array dimension.
ScaleSimConfig read_scalesim_config(const std::string& path);
/// The same from text already in memory; `name` is used in messages.
ScaleSimConfig parse_scalesim_config(const std::string& text, const std::string& name);

}  // namespace qdes::accel
