#pragma once
/// Reports of the accelerator: the short per-layer table `qdes run` and `qdes accel` print, the per-layer CSV and
/// HDF5 files, and SCALE-Sim's COMPUTE_REPORT.csv in compatible mode.

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "hardware/accel/accelerator.h"
#include "hardware/accel/scalesim_config.h"

namespace qdes::cli {

/// What `qdes accel` (and `qdes.accel.run` in Python) is asked to run.
struct AccelOptions {
    std::string config, topology;  ///< SCALE-Sim's .cfg and topology .csv
    bool gemm = false;             ///< the topology is in Layer, M, N, K form
    bool scalesim_compat = false;  ///< SCALE-Sim v2's CALC-mode numbers exactly
    std::string scalesim_mean = "python";
    std::string dram = "ddr4_2400";
    unsigned dram_channels = 0;  ///< 0: the preset's
    std::string clock = "1 GHz";
    bool literal_depthwise = false;
};

/// A network lowered to GEMMs and the accelerator it runs on.
struct AccelJob {
    accel::ScaleSimConfig cfg;
    accel::AcceleratorSetup setup;
    std::vector<accel::GemmOp> ops;
};

/// Reads the files and checks every layer fits the buffers. Throws accel::AccelInputError (the file and line) or
/// std::invalid_argument (an option) with the message `qdes accel` prints.
AccelJob prepare_accel(const AccelOptions& options);

/// The main report of a finished run: COMPUTE_REPORT.csv's text in compatible mode, LAYER_REPORT.csv's otherwise.
std::string accel_report_csv(const AccelJob& job, const accel::Accelerator& accelerator);

/// "32x32 os array at 1 GHz, ddr4_2400 (19.2 GB/s)".
void print_array_line(std::FILE* out, const accel::AcceleratorSetup& setup);
/// The latency of `layers` and the shares of their energy (MAC, registers, SRAM, DRAM).
void print_energy_line(std::FILE* out, const std::vector<accel::LayerStats>& layers);
/// One line per layer and a network total: cycles, stalls, utilisation, DRAM traffic, energy.
void print_layer_table(std::FILE* out, const accel::AcceleratorSetup& setup,
                       const std::vector<accel::LayerStats>& layers);
/// SCALE-Sim mode: its compute report columns.
void print_scalesim_table(std::FILE* out, const std::vector<accel::ScaleSimLayerReport>& layers);

/// LAYER_REPORT.csv: one row per layer and a last "total" row; every count the model keeps.
std::string layer_report_csv(const accel::AcceleratorSetup& setup, const std::vector<accel::LayerStats>& layers);

/// Writes `path` whole (to path.partial, then renamed), so an interrupted run leaves no half file.
void write_text_file(const std::filesystem::path& path, const std::string& text);

/// accel_report.h5: /layers (one compound row per layer, its name included), /network attributes, the
/// configuration as attributes of /config. Written to path.partial, then renamed.
void write_accel_h5(const std::filesystem::path& path, const accel::AcceleratorSetup& setup,
                    const std::vector<accel::LayerStats>& layers, const std::string& command_line);

}  // namespace qdes::cli
