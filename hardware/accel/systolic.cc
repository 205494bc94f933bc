#include "hardware/accel/systolic.h"

#include <algorithm>
#include <cmath>

namespace qdes::accel {

const char* mac_kind_name(MacKind k) {
    switch (k) {
        case MacKind::kFixed: return "fixed";
        case MacKind::kBitSerial: return "bit_serial";
        case MacKind::kBitFused: return "bit_fused";
    }
    return "?";
}

bool parse_mac_kind(const std::string& text, MacKind& out) {
    if (text == "fixed") out = MacKind::kFixed;
    else if (text == "bit_serial") out = MacKind::kBitSerial;
    else if (text == "bit_fused") out = MacKind::kBitFused;
    else return false;
    return true;
}

static std::uint32_t pow2_at_least(std::uint32_t bits) {
    std::uint32_t p = 2;
    while (p < bits) p *= 2;
    return p;
}

double mac_cycles(MacKind kind, std::uint32_t mac_bits, const Precision& p) {
    switch (kind) {
        case MacKind::kFixed:
            return double((p.weight_bits + mac_bits - 1) / mac_bits) * double((p.input_bits + mac_bits - 1) / mac_bits);
        case MacKind::kBitSerial: return double(p.weight_bits);
        case MacKind::kBitFused: {
            const double w = pow2_at_least(p.weight_bits), i = pow2_at_least(p.input_bits);
            return w * i / (double(mac_bits) * double(mac_bits));
        }
    }
    return 1;
}

const char* stall_cause_name(int cause) {
    switch (cause) {
        case kStallIfmap: return "ifmap_dram";
        case kStallFilter: return "filter_dram";
        case kStallPsum: return "psum_dram";
    }
    return "?";
}

static std::uint64_t ceil_bits_to_bytes(double bits) { return std::uint64_t(std::ceil(bits / 8.0 - 1e-9)); }

static std::uint32_t index_bits(std::uint64_t n) {
    std::uint32_t b = 0;
    while ((std::uint64_t(1) << b) < n) ++b;
    return std::max<std::uint32_t>(b, 1);
}

OperandBytes operand_bytes(const GemmOp& op) {
    OperandBytes b;
    const Precision& p = op.precision;
    b.ifmap = ceil_bits_to_bytes(double(op.distinct_inputs()) * p.input_bits);
    b.ofmap = ceil_bits_to_bytes(double(op.M) * double(op.N) * p.output_bits);
    const double dense = double(op.K) * double(op.N);
    switch (op.sparsity.kind) {
        case Sparsity::Kind::kDense: b.filter = ceil_bits_to_bytes(dense * p.weight_bits); break;
        case Sparsity::Kind::kNM: {
            const double kept = double(op.effective_k()) * double(op.N);
            b.filter_metadata = ceil_bits_to_bytes(kept * index_bits(op.sparsity.m));
            b.filter = ceil_bits_to_bytes(kept * p.weight_bits) + b.filter_metadata;
            break;
        }
        case Sparsity::Kind::kUnstructured: {
            const double nnz = std::ceil(dense * op.sparsity.density);
            b.filter_metadata = op.sparsity.format == Sparsity::Format::kBitmap
                                    ? ceil_bits_to_bytes(dense)
                                    : ceil_bits_to_bytes(nnz * index_bits(op.K)) + (op.N + 1) * 4;
            b.filter = ceil_bits_to_bytes(nnz * p.weight_bits) + b.filter_metadata;
            break;
        }
    }
    return b;
}

void check_buffers(const AcceleratorConfig& c, const GemmOp& op) {
    const Precision& p = op.precision;
    const auto need = [&](const char* buffer, const BufferConfig& b, double bits, const char* what) {
        const std::uint64_t bytes = ceil_bits_to_bytes(bits);
        if (bytes > b.bytes / 2)
            throw AccelInputError((op.source.empty() ? "" : op.source + ": ") + "layer \"" + op.name + "\": the " +
                                  buffer + " buffer (" + std::to_string(b.bytes) + " B, so " +
                                  std::to_string(b.bytes / 2) + " B per half) cannot hold one fold's " + what + " (" +
                                  std::to_string(bytes) + " B)");
    };
    const double R = c.rows, C = c.cols;
    switch (c.dataflow) {
        case Dataflow::kOutputStationary:
            need("ifmap", c.ifmap, R * p.input_bits, "array-edge input vector");
            need("filter", c.filter, C * p.weight_bits, "array-edge weight vector");
            need("ofmap", c.ofmap, R * C * c.psum_bits, "output tile");
            break;
        case Dataflow::kWeightStationary:
            need("filter", c.filter, R * C * p.weight_bits, "stationary weight tile");
            need("ifmap", c.ifmap, R * p.input_bits, "array-edge input vector");
            need("ofmap", c.ofmap, C * c.psum_bits, "array-edge partial-sum vector");
            break;
        case Dataflow::kInputStationary:
            need("ifmap", c.ifmap, R * C * p.input_bits, "stationary input tile");
            need("filter", c.filter, R * p.weight_bits, "array-edge weight vector");
            need("ofmap", c.ofmap, C * c.psum_bits, "array-edge partial-sum vector");
            break;
    }
}

AcceleratorConfig accelerator_config_of(const ScaleSimConfig& s) {
    AcceleratorConfig c;
    c.rows = s.rows, c.cols = s.cols, c.dataflow = s.dataflow;
    c.ifmap.bytes = s.ifmap_sram_kib * 1024;
    c.filter.bytes = s.filter_sram_kib * 1024;
    c.ofmap.bytes = s.ofmap_sram_kib * 1024;
    return c;
}

std::string LoopNest::order(Dataflow d) const {
    if (d == Dataflow::kOutputStationary) return swapped ? "fr fc" : "fc fr";
    if (col_block == 1) return swapped ? "fc tc fr" : "tc fc fr";
    return std::string(swapped ? "fb tc fr fc" : "tc fb fr fc") + " (fb: " + std::to_string(col_block) + " fc)";
}

void SliceCache::reset(std::uint64_t capacity_bytes, std::uint64_t ids) {
    capacity_ = capacity_bytes;
    used_ = 0;
    current_ = ~std::uint64_t(0);
    present_.assign(ids, 0);
    queue_.clear();
}

SliceSource SliceCache::next(std::uint64_t id, std::uint64_t bytes) {
    const std::uint64_t previous = current_;
    current_ = id;
    if (id == previous) return SliceSource::kCurrent;
    if (present_[id]) return SliceSource::kHeld;
    if (bytes > capacity_) return SliceSource::kFetch;
    while (used_ + bytes > capacity_) {
        present_[queue_.front().first] = 0;
        used_ -= queue_.front().second;
        queue_.pop_front();
    }
    queue_.emplace_back(id, bytes);
    present_[id] = 1;
    used_ += bytes;
    return SliceSource::kFetch;
}

namespace {

constexpr std::uint64_t kRegionBytes = std::uint64_t(1) << 36;  // operands live 64 GiB apart in DRAM
constexpr std::uint64_t kBase[4] = {0, kRegionBytes, 2 * kRegionBytes, 3 * kRegionBytes};  // ifmap filter ofmap psum

struct FoldIndex {
    std::uint64_t g, tc, fc, fr;
};

std::uint64_t folds_per_group(const FoldGeometry& g, const LoopNest& n) { return n.t_chunks * g.folds(); }

FoldIndex fold_index(const FoldGeometry& g, const LoopNest& n, Dataflow d, std::uint64_t f) {
    FoldIndex i;
    const std::uint64_t per_group = folds_per_group(g, n);
    i.g = f / per_group;
    std::uint64_t r = f % per_group;
    if (d == Dataflow::kOutputStationary) {
        i.tc = 0;
        if (n.swapped) i.fr = r / g.col_folds, i.fc = r % g.col_folds;
        else i.fc = r / g.row_folds, i.fr = r % g.row_folds;
        return i;
    }
    // Every block but the last holds col_block column folds.
    const std::uint64_t B = n.col_block;
    std::uint64_t fb;
    if (n.swapped) {
        fb = r / (n.t_chunks * B * g.row_folds);
        r %= n.t_chunks * B * g.row_folds;
    } else {
        i.tc = r / g.folds();
        r %= g.folds();
        fb = r / (B * g.row_folds);
        r %= B * g.row_folds;
    }
    const std::uint64_t b = std::min(B, g.col_folds - fb * B);
    if (n.swapped) {
        i.tc = r / (b * g.row_folds);
        r %= b * g.row_folds;
    }
    i.fr = r / b;
    i.fc = fb * B + r % b;
    return i;
}

std::uint64_t chunk_length(const FoldGeometry& g, const LoopNest& n, std::uint64_t tc) {
    return tc + 1 < n.t_chunks ? n.chunk : g.T - (n.t_chunks - 1) * n.chunk;
}

/// An input operand's slice for a fold: its index among `count` slices per group and its share of the operand.
struct SliceRef {
    std::uint64_t index, count;
    double share;
};

SliceRef slice_ref(const FoldGeometry& g, const LoopNest& n, Dataflow d, int operand, const FoldIndex& i) {
    const double ru = g.rows_used(i.fr), cu = g.cols_used(i.fc);
    const double row_share = ru / double(g.Sr), col_share = cu / double(g.Sc);
    const double t_share = double(chunk_length(g, n, i.tc)) / double(g.T);
    const SliceRef stationary{i.fc * g.row_folds + i.fr, g.folds(), row_share * col_share};
    const SliceRef streamed{i.tc * g.row_folds + i.fr, n.t_chunks * g.row_folds, row_share * t_share};
    switch (d) {
        case Dataflow::kOutputStationary:
            return operand == kIfmap ? SliceRef{i.fr, g.row_folds, row_share} : SliceRef{i.fc, g.col_folds, col_share};
        case Dataflow::kWeightStationary: return operand == kIfmap ? streamed : stationary;
        case Dataflow::kInputStationary: return operand == kIfmap ? stationary : streamed;
    }
    return streamed;
}

/// Slice ids of an operand over all groups (ids are g x count + index).
std::uint64_t slice_ids(const FoldGeometry& g, const LoopNest& n, Dataflow d, int operand, std::uint64_t groups) {
    return groups * slice_ref(g, n, d, operand, FoldIndex{0, 0, 0, 0}).count;
}

std::uint64_t slice_bytes(std::uint64_t total, const SliceRef& s) {
    return std::max<std::uint64_t>(1, std::uint64_t(std::ceil(double(total) * s.share)));
}

bool psum_fits(const AcceleratorConfig& c, const FoldGeometry& g, const LoopNest& n) {
    return c.dataflow == Dataflow::kOutputStationary || g.row_folds == 1 ||
           ceil_bits_to_bytes(double(n.chunk) * double(n.col_block * g.cols) * c.psum_bits) <= c.ofmap.bytes / 2;
}

LoopNest whole_t(const FoldGeometry& g, bool swapped) {
    LoopNest n;
    n.chunk = g.T;
    n.swapped = swapped;
    return n;
}

FoldGeometry geometry_of(const AcceleratorConfig& c, const GemmOp& op) {
    return fold_geometry(c.dataflow, op.M, op.N, op.effective_k(), c.rows, c.cols);
}

}  // namespace

std::uint64_t planned_dram_bytes(const AcceleratorConfig& c, const GemmOp& op, const LoopNest& n) {
    const FoldGeometry g = geometry_of(c, op);
    const OperandBytes b = operand_bytes(op);
    const std::uint64_t total[2] = {b.ifmap, b.filter};
    const std::uint64_t half[2] = {c.ifmap.bytes / 2, c.filter.bytes / 2};
    const bool psum_in_sram = psum_fits(c, g, n);
    SliceCache held[2];
    for (int o = 0; o < 2; ++o) held[o].reset(half[o], slice_ids(g, n, c.dataflow, o, op.groups));
    std::uint64_t bytes = 0;
    const std::uint64_t folds = op.groups * folds_per_group(g, n);
    for (std::uint64_t f = 0; f < folds; ++f) {
        const FoldIndex i = fold_index(g, n, c.dataflow, f);
        for (int o = 0; o < 2; ++o) {
            const SliceRef s = slice_ref(g, n, c.dataflow, o, i);
            const std::uint64_t slice = slice_bytes(total[o], s);
            if (held[o].next(i.g * s.count + s.index, slice) == SliceSource::kFetch) bytes += slice;
        }
        if (!psum_in_sram && i.fr + 1 < g.row_folds)
            bytes += 2 * ceil_bits_to_bytes(double(chunk_length(g, n, i.tc)) * g.cols_used(i.fc) * c.psum_bits);
    }
    return bytes;
}

LoopNest choose_loop_nest(const AcceleratorConfig& c, const GemmOp& op) {
    const FoldGeometry g = geometry_of(c, op);
    std::vector<LoopNest> candidates{whole_t(g, false)};
    if (c.tiling == Tiling::kAuto) {
        if (c.dataflow == Dataflow::kOutputStationary) {
            candidates.push_back(whole_t(g, true));
        } else if (g.row_folds > 1) {
            // Partial sums per element of T across one column fold; how many elements half the output buffer holds.
            const std::uint64_t per_element = std::max<std::uint64_t>(1, ceil_bits_to_bytes(double(g.cols) * c.psum_bits));
            const std::uint64_t fit = (c.ofmap.bytes / 2) / per_element;
            // Chunks: T whole, the longest that fits one column fold, and R_a (the shortest that keeps the array
            // busy, leaving the most room for column blocks); with one column fold per block or as many as fit.
            std::vector<std::uint64_t> chunks{g.T, std::max<std::uint64_t>(fit, c.rows), c.rows};
            for (std::uint64_t chunk : chunks) {
                LoopNest n;
                n.chunk = std::min(g.T, chunk);
                n.t_chunks = (g.T + n.chunk - 1) / n.chunk;
                for (std::uint64_t B : {std::uint64_t(1), std::min(g.col_folds, fit / n.chunk)}) {
                    if (B == 0) continue;
                    n.col_block = B;
                    for (bool swapped : {false, true}) {
                        n.swapped = swapped;
                        if (swapped && n.t_chunks == 1) continue;  // the same as not swapped
                        const auto same = [&n](const LoopNest& m) {
                            return m.chunk == n.chunk && m.col_block == n.col_block && m.swapped == n.swapped;
                        };
                        if (std::none_of(candidates.begin(), candidates.end(), same)) candidates.push_back(n);
                    }
                }
            }
        }
    }
    LoopNest best = candidates[0];
    std::uint64_t best_bytes = ~std::uint64_t(0);
    for (const LoopNest& n : candidates) {
        const std::uint64_t bytes = candidates.size() == 1 ? 0 : planned_dram_bytes(c, op, n);
        if (bytes < best_bytes) best = n, best_bytes = bytes;
    }
    return best;
}

LayerRun::LayerRun(const AcceleratorConfig& config, const GemmOp& op, MemoryTarget& dram, TimePs start_ps)
    : c_(config), op_(op), dram_(dram) {
    validate(op);
    check_buffers(config, op);
    cycle_ps_ = 1e12 / config.clock_hz;
    g_ = geometry_of(config, op);
    nest_ = choose_loop_nest(config, op);
    bytes_ = operand_bytes(op);
    total_folds_ = op.groups * folds_per_group(g_, nest_);
    mac_cycles_ = mac_cycles(config.mac, config.mac_bits, op.precision);
    const std::uint64_t half[2] = {config.ifmap.bytes / 2, config.filter.bytes / 2};
    for (int o = 0; o < 2; ++o) held_[o].reset(half[o], slice_ids(g_, nest_, config.dataflow, o, op.groups));
    psum_in_sram_ = psum_fits(config, g_, nest_);
    // Bits each buffer must deliver per cycle at full rate: the array edge it feeds (partial sums both ways).
    const Precision& p = op.precision;
    const double R = config.rows, C = config.cols;
    double edge_bits[3] = {R * p.input_bits, C * p.weight_bits, 2.0 * C * config.psum_bits};
    if (config.dataflow == Dataflow::kInputStationary) edge_bits[kFilter] = R * p.weight_bits;
    if (config.dataflow == Dataflow::kOutputStationary) edge_bits[kOfmap] = C * config.psum_bits;
    const BufferConfig* buffers[3] = {&config.ifmap, &config.filter, &config.ofmap};
    for (int o = 0; o < 3; ++o)
        banks_[o] = buffers[o]->banks != 0
                        ? buffers[o]->banks
                        : std::max<std::uint32_t>(1, std::uint32_t(std::ceil(edge_bits[o] / buffers[o]->bank_width_bits)));
    const std::uint64_t start_cycle = std::uint64_t(std::ceil(double(start_ps) / cycle_ps_ - 1e-9));
    array_free_cycle_ = start_cycle;
    stats_.name = op.name;
    stats_.M = op.M, stats_.N = op.N, stats_.K = op.K, stats_.effective_k = op.effective_k();
    stats_.groups = op.groups;
    stats_.folds = total_folds_;
    stats_.nest = nest_;
    stats_.macs = op.groups * op.M * op.N * op.effective_k();
    stats_.start_ps = start_ps;
    dram_hits_at_start_ = dram.stats().row_hits;
    dram_misses_at_start_ = dram.stats().row_empty + dram.stats().row_conflicts;
    fetch(0, start_ps);
    pending_[0][0] = pending_[0][1];
    pending_[1][0] = pending_[1][1];
}

TimePs LayerRun::cycles_ps(double cycle) const { return TimePs(std::llround(cycle * cycle_ps_)); }
std::uint64_t LayerRun::ps_cycles(TimePs ps) const { return std::uint64_t(std::ceil(double(ps) / cycle_ps_ - 1e-9)); }

void LayerRun::fetch(std::uint64_t f, TimePs issue_ps) {
    const FoldIndex i = fold_index(g_, nest_, c_.dataflow, f);
    const std::uint64_t total[2] = {bytes_.ifmap, bytes_.filter};
    const BufferConfig* buffer[2] = {&c_.ifmap, &c_.filter};
    for (int o = 0; o < 2; ++o) {
        const SliceRef ref = slice_ref(g_, nest_, c_.dataflow, o, i);
        const std::uint64_t id = i.g * ref.count + ref.index;
        Slice s;
        s.id = id;
        s.first_part_ps = s.all_ps = issue_ps;
        const std::uint64_t bytes = slice_bytes(total[o], ref);
        const SliceSource source = held_[o].next(id, bytes);
        if (source == SliceSource::kCurrent) {
            s = pending_[o][0];  // still in the buffer from the current fold
        } else if (source == SliceSource::kFetch) {
            const std::uint64_t address =
                kBase[o] + i.g * total[o] + std::uint64_t(double(total[o]) * double(ref.index) / double(ref.count));
            const std::uint64_t first = std::min(bytes, buffer[o]->bytes / 2);
            s.first_part_ps = dram_.access(address, first, false, issue_ps);
            s.all_ps = first < bytes ? dram_.access(address + first, bytes - first, false, issue_ps) : s.first_part_ps;
            stats_.dram_read_bytes[o] += bytes;
            stats_.sram_write_bytes[o] += bytes;
            if (o == kFilter && bytes_.filter > 0)
                stats_.filter_metadata_bytes +=
                    std::uint64_t(double(bytes) * double(bytes_.filter_metadata) / double(bytes_.filter));
        }
        pending_[o][1] = s;
    }
}

TimePs LayerRun::step() {
    const std::uint64_t f = next_fold_;
    const FoldIndex i = fold_index(g_, nest_, c_.dataflow, f);
    const double T = double(chunk_length(g_, nest_, i.tc));
    const std::uint64_t ru = g_.rows_used(i.fr), cu = g_.cols_used(i.fc);
    const Precision& p = op_.precision;
    const bool os = c_.dataflow == Dataflow::kOutputStationary;
    const bool last_k = os || i.fr + 1 == g_.row_folds;
    const bool needs_psum = !os && i.fr > 0;

    // Start: the array is free and the slices (their first half-buffer) are in.
    std::uint64_t ready[kStallCauses] = {ps_cycles(pending_[kIfmap][0].first_part_ps),
                                         ps_cycles(pending_[kFilter][0].first_part_ps),
                                         needs_psum && !psum_in_sram_ ? ps_cycles(psum_ready_ps_) : 0};
    const int late = int(std::max_element(ready, ready + kStallCauses) - ready);
    const std::uint64_t start = std::max(array_free_cycle_, ready[late]);
    if (f == 0) stats_.first_load_cycles = start - array_free_cycle_;
    else stats_.stall_cycles[late] += start - array_free_cycle_;
    if (f + 1 < total_folds_) fetch(f + 1, cycles_ps(double(start)));

    // The fold's cycles: the stream, slowed by the SRAM banks if they cannot feed the array edge.
    const double stream = std::ceil(T * mac_cycles_);
    const auto supply = [this](const BufferConfig& b, int o) {
        return b.banks == 0 ? 1e300 : double(banks_[o]) * b.bank_width_bits;
    };
    const double psum_bits = last_k ? double(cu) * p.output_bits
                                    : double(cu) * c_.psum_bits * (needs_psum && psum_in_sram_ ? 2 : 1);
    double factor = 1;
    switch (c_.dataflow) {
        case Dataflow::kOutputStationary:
            factor = std::max({1.0, ru * double(p.input_bits) / supply(c_.ifmap, kIfmap),
                               cu * double(p.weight_bits) / supply(c_.filter, kFilter)});
            break;
        case Dataflow::kWeightStationary:
            factor = std::max({1.0, ru * double(p.input_bits) / supply(c_.ifmap, kIfmap), psum_bits / supply(c_.ofmap, kOfmap)});
            break;
        case Dataflow::kInputStationary:
            factor = std::max({1.0, ru * double(p.weight_bits) / supply(c_.filter, kFilter), psum_bits / supply(c_.ofmap, kOfmap)});
            break;
    }
    const std::uint64_t stream_cycles = std::uint64_t(std::ceil(stream * factor - 1e-9));
    stats_.sram_bandwidth_cycles += stream_cycles - std::uint64_t(stream);
    // The next fold's stationary load (ws, is) or this fold's output drain (os) takes R cycles beside the stream;
    // after the last fold nothing loads and its outputs are counted as SCALE-Sim counts them (os: in the array).
    const bool last = f + 1 == total_folds_;
    std::uint64_t fold_cycles = last ? stream_cycles : std::max<std::uint64_t>(stream_cycles, c_.rows);
    if (f == 0 && !os) fold_cycles += c_.rows;    // the first stationary load
    if (last) fold_cycles += c_.rows + c_.cols - 2;  // the pipeline fills and drains once
    stats_.compute_cycles += fold_cycles;
    std::uint64_t end = start + fold_cycles;
    // A slice larger than half its buffer streams in during the fold: the fold cannot end before it has.
    for (int o = 0; o < 2; ++o) {
        const std::uint64_t all = ps_cycles(pending_[o][0].all_ps) + 1;
        if (all > end) {
            stats_.stall_cycles[o] += all - end;
            end = all;
        }
    }
    mapping_sum_ += double(ru * cu) / (double(c_.rows) * c_.cols);

    // SRAM traffic of the array (bytes).
    const auto bytes_of = [](double bits) { return ceil_bits_to_bytes(bits); };
    switch (c_.dataflow) {
        case Dataflow::kOutputStationary:
            stats_.sram_read_bytes[kIfmap] += bytes_of(T * ru * p.input_bits);
            stats_.sram_read_bytes[kFilter] += bytes_of(T * cu * p.weight_bits);
            break;
        case Dataflow::kWeightStationary:
            stats_.sram_read_bytes[kIfmap] += bytes_of(T * ru * p.input_bits);
            stats_.sram_read_bytes[kFilter] += bytes_of(double(ru) * cu * p.weight_bits);
            break;
        case Dataflow::kInputStationary:
            stats_.sram_read_bytes[kIfmap] += bytes_of(double(ru) * cu * p.input_bits);
            stats_.sram_read_bytes[kFilter] += bytes_of(T * ru * p.weight_bits);
            break;
    }
    const double out_elems = os ? double(ru) * cu : T * cu;
    const TimePs end_ps = cycles_ps(double(end));
    if (last_k) {
        const std::uint64_t out_bytes = bytes_of(out_elems * p.output_bits);
        stats_.sram_write_bytes[kOfmap] += out_bytes;
        stats_.sram_read_bytes[kOfmap] += out_bytes;  // read back to go to DRAM
        const std::uint64_t address = kBase[kOfmap] + i.g * bytes_.ofmap +
                                      std::uint64_t(double(bytes_.ofmap) *
                                                    (os ? double(i.fr * g_.col_folds + i.fc) / double(g_.folds())
                                                        : double(i.tc * g_.col_folds + i.fc) /
                                                              double(nest_.t_chunks * g_.col_folds)));
        writes_done_ps_ = std::max(writes_done_ps_, dram_.access(address, out_bytes, true, end_ps));
        stats_.dram_write_bytes[kOfmap] += out_bytes;
    } else {
        const std::uint64_t psum_bytes = bytes_of(out_elems * c_.psum_bits);
        if (psum_in_sram_) {
            stats_.sram_write_bytes[kOfmap] += psum_bytes;
        } else {  // spill, then read back for the next K fold
            const std::uint64_t address = kBase[3] + i.g * bytes_.ofmap * 4;
            dram_.access(address, psum_bytes, true, end_ps);
            psum_ready_ps_ = dram_.access(address, psum_bytes, false, end_ps);
            stats_.dram_write_bytes[kOfmap] += psum_bytes;
            stats_.dram_read_bytes[kOfmap] += psum_bytes;
        }
    }
    if (needs_psum && psum_in_sram_) stats_.sram_read_bytes[kOfmap] += bytes_of(out_elems * c_.psum_bits);

    array_free_cycle_ = end;
    pending_[0][0] = pending_[0][1];
    pending_[1][0] = pending_[1][1];
    ++next_fold_;
    if (done()) {
        finish();
        return stats_.end_ps;
    }
    return end_ps;
}

void LayerRun::finish() {
    const std::uint64_t writes_done = ps_cycles(writes_done_ps_);
    const std::uint64_t end = std::max(array_free_cycle_, writes_done);
    stats_.store_tail_cycles = end - array_free_cycle_;
    stats_.total_cycles = stats_.first_load_cycles + stats_.compute_cycles + stats_.stall_total() + stats_.store_tail_cycles;
    stats_.end_ps = cycles_ps(double(end));
    stats_.mapping_efficiency = mapping_sum_ / double(total_folds_);
    stats_.utilisation = double(stats_.macs) / (double(stats_.total_cycles) * c_.rows * c_.cols);
    stats_.dram_row_hits = dram_.stats().row_hits - dram_hits_at_start_;
    stats_.dram_row_misses = dram_.stats().row_empty + dram_.stats().row_conflicts - dram_misses_at_start_;

    const Precision& p = op_.precision;
    const EnergyTable& e = c_.energy;
    EnergyBreakdown& en = stats_.energy;
    en.mac_pj = double(stats_.macs) * e.mac_pj(p.weight_bits, p.input_bits);
    en.register_pj = double(stats_.macs) * double(p.weight_bits + p.input_bits + c_.psum_bits) * e.register_pj_per_bit;
    const BufferConfig* buffers[3] = {&c_.ifmap, &c_.filter, &c_.ofmap};
    double* sram[3] = {&en.ifmap_sram_pj, &en.filter_sram_pj, &en.ofmap_sram_pj};
    for (int o = 0; o < 3; ++o) {
        const double bank_bytes = double(buffers[o]->bytes) / banks_[o];
        *sram[o] = e.sram_read_pj(bank_bytes, 8.0 * double(stats_.sram_read_bytes[o])) +
                   e.sram_write_pj(bank_bytes, 8.0 * double(stats_.sram_write_bytes[o]));
    }
    const double dram_bits = 8.0 * double(stats_.dram_bytes());
    en.dram_pj = dram_bits * (e.dram_pj_per_bit >= 0 ? e.dram_pj_per_bit : c_.dram.energy_pj_per_bit);
}

}  // namespace qdes::accel
