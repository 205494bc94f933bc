#include "apps/qdes/accel_report.h"

#include <hdf5.h>

#include <algorithm>
#include <fstream>

#include "sim/h5.h"

namespace qdes::cli {

namespace {

/// The sum of the layers, as one LayerStats named "total".
accel::LayerStats total_of(const std::vector<accel::LayerStats>& layers, double pes) {
    accel::LayerStats t;
    t.name = "total";
    double mapping = 0;
    for (const accel::LayerStats& s : layers) {
        t.folds += s.folds, t.macs += s.macs, t.total_cycles += s.total_cycles;
        t.first_load_cycles += s.first_load_cycles, t.compute_cycles += s.compute_cycles;
        for (int c = 0; c < accel::kStallCauses; ++c) t.stall_cycles[c] += s.stall_cycles[c];
        t.store_tail_cycles += s.store_tail_cycles, t.sram_bandwidth_cycles += s.sram_bandwidth_cycles;
        for (int o = 0; o < 3; ++o) {
            t.sram_read_bytes[o] += s.sram_read_bytes[o], t.sram_write_bytes[o] += s.sram_write_bytes[o];
            t.dram_read_bytes[o] += s.dram_read_bytes[o], t.dram_write_bytes[o] += s.dram_write_bytes[o];
        }
        t.filter_metadata_bytes += s.filter_metadata_bytes;
        t.dram_row_hits += s.dram_row_hits, t.dram_row_misses += s.dram_row_misses;
        t.energy += s.energy;
        mapping += s.mapping_efficiency * double(s.folds);
    }
    if (!layers.empty()) t.start_ps = layers.front().start_ps, t.end_ps = layers.back().end_ps;
    t.mapping_efficiency = t.folds ? mapping / double(t.folds) : 0;
    t.utilisation = t.total_cycles ? double(t.macs) / (double(t.total_cycles) * pes) : 0;
    return t;
}

}  // namespace

void print_array_line(std::FILE* out, const accel::AcceleratorSetup& setup) {
    const accel::AcceleratorConfig& c = setup.config;
    std::fprintf(out, "%ux%u %s array at %.3g GHz, %s (%.1f GB/s)\n", c.rows, c.cols, accel::dataflow_name(c.dataflow),
                 c.clock_hz * 1e-9, c.dram.name.c_str(), c.dram.peak_bytes_per_second() * 1e-9);
}

void print_energy_line(std::FILE* out, const std::vector<accel::LayerStats>& layers) {
    const accel::LayerStats t = total_of(layers, 1);
    std::fprintf(
        out, "  latency %.6g ms; energy: MAC %.1f%%, registers %.1f%%, SRAM %.1f%%, DRAM %.1f%%\n",
        double(t.end_ps - t.start_ps) * 1e-9, 100 * t.energy.mac_pj / t.energy.total_pj(),
        100 * t.energy.register_pj / t.energy.total_pj(),
        100 * (t.energy.ifmap_sram_pj + t.energy.filter_sram_pj + t.energy.ofmap_sram_pj) / t.energy.total_pj(),
        100 * t.energy.dram_pj / t.energy.total_pj());
}

void print_layer_table(std::FILE* out, const accel::AcceleratorSetup& setup,
                       const std::vector<accel::LayerStats>& layers) {
    const accel::AcceleratorConfig& c = setup.config;
    print_array_line(out, setup);
    int w = 12;
    for (const accel::LayerStats& s : layers) w = std::max(w, static_cast<int>(s.name.size()));
    std::fprintf(out, "  %-*s %12s %10s %10s %10s %7s %10s %10s\n", w, "layer", "cycles", "compute", "stall",
                 "load+store", "util %", "DRAM MB", "energy uJ");
    const auto row = [&](const accel::LayerStats& s) {
        std::fprintf(out, "  %-*s %12llu %10llu %10llu %10llu %7.2f %10.3f %10.3f\n", w, s.name.c_str(),
                     (unsigned long long)s.total_cycles, (unsigned long long)s.compute_cycles,
                     (unsigned long long)s.stall_total(),
                     (unsigned long long)(s.first_load_cycles + s.store_tail_cycles), 100 * s.utilisation,
                     double(s.dram_bytes()) * 1e-6, s.energy.total_pj() * 1e-6);
    };
    for (const accel::LayerStats& s : layers) row(s);
    const accel::LayerStats t = total_of(layers, double(c.rows) * c.cols);
    row(t);
    print_energy_line(out, layers);
}

void print_scalesim_table(std::FILE* out, const std::vector<accel::ScaleSimLayerReport>& layers) {
    std::fprintf(out, "  %-12s %12s %8s %10s %10s %10s\n", "layer", "cycles", "folds", "overall %", "mapping %",
                 "compute %");
    std::uint64_t cycles = 0;
    for (const auto& l : layers) {
        std::fprintf(out, "  %-12s %12llu %8llu %10.4f %10.4f %10.4f\n", l.name.c_str(),
                     (unsigned long long)l.total_cycles, (unsigned long long)l.folds, l.overall_util_pct,
                     l.mapping_efficiency_pct, l.compute_util_pct);
        cycles += l.total_cycles;
    }
    std::fprintf(out, "  %-12s %12llu\n", "total", (unsigned long long)cycles);
}

std::string layer_report_csv(const accel::AcceleratorSetup& setup, const std::vector<accel::LayerStats>& layers) {
    std::string out =
        "LayerID, Layer, M, N, K, Effective K, Groups, Folds, Loop Order, T Chunks, MACs, Total Cycles, First Load Cycles, Compute Cycles, "
        "Stall Cycles IFMAP DRAM, Stall Cycles Filter DRAM, Stall Cycles Psum DRAM, Store Tail Cycles, SRAM Bandwidth "
        "Cycles, Overall Util %, Mapping Efficiency %, SRAM IFMAP Read Bytes, SRAM Filter Read Bytes, SRAM OFMAP Read "
        "Bytes, SRAM IFMAP Write Bytes, SRAM Filter Write Bytes, SRAM OFMAP Write Bytes, DRAM IFMAP Read Bytes, DRAM "
        "Filter Read Bytes, DRAM Filter Metadata Bytes, DRAM OFMAP Write Bytes, DRAM Psum Read Bytes, Avg DRAM BW "
        "GB/s, DRAM Row Hits, DRAM Row Misses, Energy MAC pJ, Energy Register pJ, Energy IFMAP SRAM pJ, Energy Filter "
        "SRAM pJ, Energy OFMAP SRAM pJ, Energy DRAM pJ, Energy Total pJ, Start ps, End ps,\n";
    std::vector<accel::LayerStats> rows = layers;
    rows.push_back(total_of(layers, double(setup.config.rows) * setup.config.cols));
    char buf[2048];
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const accel::LayerStats& s = rows[i];
        const double seconds = double(s.end_ps - s.start_ps) * 1e-12;
        std::snprintf(
            buf, sizeof buf,
            "%s, %s, %llu, %llu, %llu, %llu, %llu, %llu, %s, %llu, %llu, %llu, %llu, %llu, %llu, %llu, %llu, %llu, %llu, %.6f, "
            "%.6f, %llu, %llu, %llu, %llu, %llu, %llu, %llu, %llu, %llu, %llu, %llu, %.6f, %llu, %llu, %.6g, %.6g, "
            "%.6g, %.6g, %.6g, %.6g, %.6g, %llu, %llu,\n",
            i + 1 == rows.size() ? "total" : std::to_string(i).c_str(), s.name.c_str(), (unsigned long long)s.M,
            (unsigned long long)s.N, (unsigned long long)s.K, (unsigned long long)s.effective_k,
            (unsigned long long)s.groups, (unsigned long long)s.folds,
            i + 1 == rows.size() ? "-" : s.nest.order(setup.config.dataflow).c_str(), (unsigned long long)s.nest.t_chunks,
            (unsigned long long)s.macs,
            (unsigned long long)s.total_cycles, (unsigned long long)s.first_load_cycles,
            (unsigned long long)s.compute_cycles, (unsigned long long)s.stall_cycles[0],
            (unsigned long long)s.stall_cycles[1], (unsigned long long)s.stall_cycles[2],
            (unsigned long long)s.store_tail_cycles, (unsigned long long)s.sram_bandwidth_cycles,
            100 * s.utilisation, 100 * s.mapping_efficiency, (unsigned long long)s.sram_read_bytes[0],
            (unsigned long long)s.sram_read_bytes[1], (unsigned long long)s.sram_read_bytes[2],
            (unsigned long long)s.sram_write_bytes[0], (unsigned long long)s.sram_write_bytes[1],
            (unsigned long long)s.sram_write_bytes[2], (unsigned long long)s.dram_read_bytes[0],
            (unsigned long long)s.dram_read_bytes[1], (unsigned long long)s.filter_metadata_bytes,
            (unsigned long long)s.dram_write_bytes[2], (unsigned long long)s.dram_read_bytes[2],
            seconds > 0 ? double(s.dram_bytes()) / seconds * 1e-9 : 0.0, (unsigned long long)s.dram_row_hits,
            (unsigned long long)s.dram_row_misses, s.energy.mac_pj, s.energy.register_pj, s.energy.ifmap_sram_pj,
            s.energy.filter_sram_pj, s.energy.ofmap_sram_pj, s.energy.dram_pj, s.energy.total_pj(),
            (unsigned long long)s.start_ps, (unsigned long long)s.end_ps);
        out += buf;
    }
    return out;
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::path temp = path;
    temp += ".partial";
    {
        std::ofstream f(temp, std::ios::binary);
        f << text;
        f.close();
        if (!f) {
            std::error_code ignored;
            std::filesystem::remove(temp, ignored);
            throw std::runtime_error("cannot write " + temp.string());
        }
    }
    std::filesystem::rename(temp, path);
}

namespace {

struct H5LayerRow {
    const char* name;
    accel::LayerRow row;
};

}  // namespace

void write_accel_h5(const std::filesystem::path& path, const accel::AcceleratorSetup& setup,
                    const std::vector<accel::LayerStats>& layers, const std::string& command_line) {
    std::filesystem::path temp = path;
    temp += ".partial";
    std::filesystem::remove(temp);
    {
        h5::Handle file = h5::create_file(temp.string());
        h5::write_attribute(file.id(), "command_line", command_line);
        h5::write_attribute(file.id(), "status", std::string("completed"));
        const accel::AcceleratorConfig& c = setup.config;
        h5::Handle config = h5::create_group(file.id(), "config");
        h5::write_attribute(config.id(), "rows", std::uint64_t(c.rows));
        h5::write_attribute(config.id(), "cols", std::uint64_t(c.cols));
        h5::write_attribute(config.id(), "dataflow", std::string(accel::dataflow_name(c.dataflow)));
        h5::write_attribute(config.id(), "clock_hz", c.clock_hz);
        h5::write_attribute(config.id(), "ifmap_sram_bytes", c.ifmap.bytes);
        h5::write_attribute(config.id(), "filter_sram_bytes", c.filter.bytes);
        h5::write_attribute(config.id(), "ofmap_sram_bytes", c.ofmap.bytes);
        h5::write_attribute(config.id(), "dram", c.dram.name);
        h5::write_attribute(config.id(), "dram_channels", std::uint64_t(c.dram.channels));
        h5::write_attribute(config.id(), "mac", std::string(accel::mac_kind_name(c.mac)));
        const accel::LayerStats t = total_of(layers, double(c.rows) * c.cols);
        h5::Handle network = h5::create_group(file.id(), "network");
        h5::write_attribute(network.id(), "total_cycles", t.total_cycles);
        h5::write_attribute(network.id(), "stall_cycles", t.stall_total());
        h5::write_attribute(network.id(), "latency_s", double(t.end_ps - t.start_ps) * 1e-12);
        h5::write_attribute(network.id(), "energy_pj", t.energy.total_pj());
        h5::write_attribute(network.id(), "dram_bytes", t.dram_bytes());
        h5::write_attribute(network.id(), "utilisation", t.utilisation);

        // /layers: the component's LayerRow fields, preceded by the layer's name.
        h5::Handle str = h5::vlen_string_type();
        h5::Handle type(H5Tcreate(H5T_COMPOUND, sizeof(H5LayerRow)), H5Tclose, "create compound type");
        h5::check(H5Tinsert(type.id(), "name", HOFFSET(H5LayerRow, name), str.id()), "insert name");
        const auto u64 = [&](const char* n, std::size_t off) {
            h5::check(H5Tinsert(type.id(), n, HOFFSET(H5LayerRow, row) + off, H5T_NATIVE_UINT64), n);
        };
        const auto f64 = [&](const char* n, std::size_t off) {
            h5::check(H5Tinsert(type.id(), n, HOFFSET(H5LayerRow, row) + off, H5T_NATIVE_DOUBLE), n);
        };
#define QDES_U64(f) u64(#f, offsetof(accel::LayerRow, f))
#define QDES_F64(f) f64(#f, offsetof(accel::LayerRow, f))
        QDES_U64(layer), QDES_U64(M), QDES_U64(N), QDES_U64(K), QDES_U64(groups), QDES_U64(folds);
        QDES_U64(t_chunks), QDES_U64(col_block), QDES_U64(loop_swapped), QDES_U64(macs);
        QDES_U64(total_cycles), QDES_U64(first_load_cycles), QDES_U64(compute_cycles), QDES_U64(stall_ifmap_cycles);
        QDES_U64(stall_filter_cycles), QDES_U64(stall_psum_cycles), QDES_U64(store_tail_cycles);
        QDES_F64(utilisation), QDES_F64(mapping_efficiency);
        QDES_U64(dram_ifmap_read_bytes), QDES_U64(dram_filter_read_bytes), QDES_U64(dram_ofmap_write_bytes);
        QDES_U64(dram_psum_bytes), QDES_U64(sram_ifmap_read_bytes), QDES_U64(sram_filter_read_bytes);
        QDES_U64(sram_ofmap_write_bytes), QDES_U64(dram_row_hits), QDES_U64(dram_row_misses);
        QDES_F64(energy_mac_pj), QDES_F64(energy_register_pj), QDES_F64(energy_sram_pj), QDES_F64(energy_dram_pj);
        QDES_F64(energy_total_pj), QDES_U64(start_ps), QDES_U64(end_ps);
#undef QDES_U64
#undef QDES_F64
        std::vector<H5LayerRow> rows(layers.size());
        for (std::size_t i = 0; i < layers.size(); ++i) {
            rows[i].name = layers[i].name.c_str();
            rows[i].row = accel::layer_row(layers[i], i);
        }
        h5::Table table(file.id(), "layers", std::move(type), 256);
        if (!rows.empty()) table.append(rows.data(), rows.size());
    }
    std::filesystem::rename(temp, path);
}

}  // namespace qdes::cli
