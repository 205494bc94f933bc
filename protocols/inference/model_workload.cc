#include "protocols/inference/model_workload.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "models/nn/dataset.h"
#include "models/nn/inference.h"
#include "models/nn/model_file.h"
#include "models/nn/onnx_import.h"
#include "protocols/inference/model_transforms.h"
#include "protocols/inference/network.h"
#include "protocols/qec/memory_estimates.h"
#include "sim/simulation.h"

namespace qdes::inference {

namespace {

nn::Graph load(const Simulation& sim, const ParamValues& p) {
    const std::string path = sim.resolve_path(p.string("model")).string();
    const std::string ext = std::filesystem::path(path).extension().string();
    nn::Graph g = ext == ".onnx" ? nn::import_onnx(path, {true, 1}) : nn::read_model(path);
    if (!p.string("bits_file").empty()) nn::apply_bit_sidecar(g, sim.resolve_path(p.string("bits_file")).string());
    return g;
}

/// Counts the right top-1 answers on the first `limit` test samples (all when 0) into `summary`; adds the experts'
/// routing to `routing`.
void evaluate(const nn::Graph& g, const std::string& dataset, std::int64_t limit, ModelSummary& summary,
              std::map<int, nn::RoutingStats>& routing) {
    const nn::Dataset test = nn::load_dataset(dataset, "test");
    if (test.sample_shape() != g.input_shape)
        throw nn::ModelError("dataset " + dataset + " has samples of shape " + nn::to_string(test.sample_shape()) +
                             ", the network takes " + nn::to_string(g.input_shape));
    const std::int64_t n = limit > 0 ? std::min(limit, test.size()) : test.size();
    nn::ForwardOptions o;
    o.routing = &routing;
    const nn::Tensor samples = n < test.size() ? test.batch(0, n) : test.samples;
    const std::vector<int> labels(test.labels.begin(), test.labels.begin() + n);
    const auto correct = static_cast<std::uint64_t>(nn::count_correct(g, samples, labels, o));
    summary.test_samples = static_cast<std::uint64_t>(n);
    summary.correct = correct;
}

ModelSummary summarise(const nn::Graph& g, const std::vector<LoweredOp>& lowered, std::uint64_t batch,
                       std::uint32_t default_weight_bits) {
    ModelSummary s;
    for (const auto& info : g.infer()) {
        s.params += static_cast<std::uint64_t>(info.params);
        s.nonzero_params += static_cast<std::uint64_t>(info.nonzero_params);
    }
    // Every weight tensor at its layer's bit width, whether or not the accelerator ran it (an expert no token
    // reached is still stored).
    for (const nn::Node& node : g.nodes) {
        const double bits = node.weight_bits > 0 ? std::max(node.weight_bits, 2) : default_weight_bits;
        for (const char* role : {"weight", "router_weight", "fc1_weight", "fc2_weight"})
            if ((node.op == nn::Op::kConv || node.op == nn::Op::kLinear || node.op == nn::Op::kMoe) && node.has(role))
                s.model_bytes += static_cast<double>(node.param(role).size()) * bits / 8.0;
        // The quantization parameters beside them: a float32 scale each, and a zero point at the weight width.
        s.model_bytes += static_cast<double>(node.weight_scales) * (4.0 + (node.weight_zero_points ? bits / 8.0 : 0.0));
    }
    for (const auto& l : lowered) {
        const double macs = static_cast<double>(l.op.macs()) / static_cast<double>(batch);
        double density = 1.0;
        if (l.op.sparsity.kind == accel::Sparsity::Kind::kUnstructured) density = l.op.sparsity.density;
        if (l.op.sparsity.kind == accel::Sparsity::Kind::kNM)
            density = static_cast<double>(l.op.sparsity.n) / l.op.sparsity.m;
        s.macs += static_cast<std::uint64_t>(std::llround(macs));
        s.effective_macs += static_cast<std::uint64_t>(std::llround(macs * density));
        s.bops += macs * l.op.precision.weight_bits * l.op.precision.input_bits;
    }
    return s;
}

}  // namespace

std::vector<ModelLayerReport> layer_reports(const nn::Graph& graph, const std::vector<LoweredOp>& lowered,
                                            std::uint64_t batch) {
    std::vector<ModelLayerReport> out;
    for (const LoweredOp& l : lowered) {
        const accel::GemmOp& op = l.op;
        ModelLayerReport r;
        r.name = op.name;
        double density = 1.0;
        if (op.sparsity.kind == accel::Sparsity::Kind::kUnstructured) density = op.sparsity.density;
        if (op.sparsity.kind == accel::Sparsity::Kind::kNM) density = double(op.sparsity.n) / op.sparsity.m;
        r.weights = op.groups * op.N * op.K;
        r.nonzero_weights = static_cast<std::uint64_t>(std::llround(double(r.weights) * density));
        const nn::Node& node = graph.nodes.at(static_cast<std::size_t>(l.node));
        if (node.has(l.weight) && static_cast<std::uint64_t>(node.param(l.weight).size()) == r.weights) {
            const auto& v = node.param(l.weight).values;
            r.nonzero_weights = static_cast<std::uint64_t>(v.size() - std::count(v.begin(), v.end(), 0.0f));
        }
        r.macs = double(op.macs()) / double(batch);
        r.effective_macs = r.macs * density;
        r.bops = r.macs * op.precision.weight_bits * op.precision.input_bits;
        r.size_bytes = double(r.weights) * op.precision.weight_bits / 8.0;
        r.weight_bits = op.precision.weight_bits;
        r.input_bits = op.precision.input_bits;
        out.push_back(std::move(r));
    }
    return out;
}

std::string format_layer_report(const ModelSummary& s, const std::vector<ModelLayerReport>& layers) {
    std::size_t width = 5;
    for (const auto& l : layers) width = std::max(width, l.name.size());
    std::string out;
    char buf[512];
    const int w = static_cast<int>(width);
    std::snprintf(buf, sizeof buf, "  %-*s %10s %8s %12s %5s %12s %7s %9s %10s\n", w, "layer", "weights", "dense %",
                  "MACs/sample", "w/a", "cycles", "util %", "DRAM MB", "energy uJ");
    out += buf;
    ModelLayerReport t;
    t.name = "total";
    t.measured = true;
    const auto row = [&](const ModelLayerReport& l, const std::string& bits) {
        const double dense = l.weights ? 100.0 * double(l.nonzero_weights) / double(l.weights) : 0.0;
        if (l.measured)
            std::snprintf(buf, sizeof buf, "  %-*s %10llu %8.2f %12.4g %5s %12.0f %7.2f %9.3f %10.3f\n", w,
                          l.name.c_str(), (unsigned long long)l.weights, dense, l.macs, bits.c_str(), l.cycles,
                          100 * l.utilisation, l.dram_bytes * 1e-6, l.energy_pj * 1e-6);
        else
            std::snprintf(buf, sizeof buf, "  %-*s %10llu %8.2f %12.4g %5s %12s %7s %9s %10s\n", w, l.name.c_str(),
                          (unsigned long long)l.weights, dense, l.macs, bits.c_str(), "-", "-", "-", "-");
        out += buf;
    };
    double util_cycles = 0;
    for (const auto& l : layers) {
        row(l, std::to_string(l.weight_bits) + "/" + std::to_string(l.input_bits));
        t.weights += l.weights, t.nonzero_weights += l.nonzero_weights, t.macs += l.macs;
        t.measured = t.measured && l.measured;
        t.cycles += l.cycles, t.dram_bytes += l.dram_bytes, t.energy_pj += l.energy_pj;
        util_cycles += l.utilisation * l.cycles;
    }
    t.utilisation = t.cycles > 0 ? util_cycles / t.cycles : 0;
    row(t, "");
    std::string accuracy = "accuracy not measured";
    if (s.test_samples > 0) {
        std::snprintf(buf, sizeof buf, "top-1 %.2f%% of %llu test samples",
                      100.0 * double(s.correct) / double(s.test_samples), (unsigned long long)s.test_samples);
        accuracy = buf;
    }
    std::snprintf(buf, sizeof buf,
                  "  %s; %llu of %llu parameters nonzero; %.4g MACs, %.4g BOPS per sample; model %.4g kB; "
                  "cycles per inference of %llu sample%s\n",
                  accuracy.c_str(), (unsigned long long)s.nonzero_params, (unsigned long long)s.params, double(s.macs),
                  s.bops, s.model_bytes * 1e-3, (unsigned long long)s.batch, s.batch == 1 ? "" : "s");
    out += buf;
    return out;
}

ComponentKind ModelWorkload::kind() {
    ComponentKind k;
    k.name = "nn_model";
    k.doc =
        "a network from a model file (qdes HDF5 or ONNX), optionally pruned and quantized, evaluated on its test set and "
        "sent to an accelerator layer by layer as GEMMs";
    k.params.string("model", "model file, .h5 (qdes format) or .onnx, relative to the scenario's folder")
        .with_example("../../tests/fixtures/nn/lenet_300_100.h5");
    k.params.string("bits_file", "YAML sidecar of per-layer weight_bits / activation_bits (below 8 bits)")
        .with_default("");
    k.params
        .string("dataset",
                "test set for accuracy: fashion-mnist, digits, digits-28, none, or empty for the "
                "model's own")
        .with_default("");
    k.params.integer("test_samples", "test samples evaluated (0: all)").with_default("0").at_least(0);
    declare_transform_params(k.params);
    k.params.integer("batch", "samples per inference (multiplies M)").with_default("1").at_least(1);
    k.params.integer("weight_bits", "weight precision of layers that state none")
        .with_default("8")
        .at_least(2)
        .at_most(32);
    k.params.integer("input_bits", "input precision of layers that state none")
        .with_default("8")
        .at_least(2)
        .at_most(32);
    k.params.integer("output_bits", "output precision").with_default("8").at_least(2).at_most(32);
    k.params.choice("sparse_format", {"bitmap", "csr"}, "compressed format of unstructured sparsity")
        .with_default("bitmap");
    k.params.string("save_model", "write the transformed network here (qdes HDF5), relative to the scenario")
        .with_default("");
    k.params.integer("repeat", "times the network runs (inferences)").with_default("1").at_least(1);
    k.component_params = {"mixed_latency_on"};  // built first: the layers are timed on it
    k.create = [](Simulation& sim, const std::string& name, const ParamValues& p) -> Component& {
        try {
            nn::Graph g;
            try {
                g = load(sim, p);
            } catch (const nn::ModelError& e) {
                throw ParamError(std::string("model: ") + e.what());
            }
            transform(g, p, sim, name);
            ModelSummary evaluated;
            std::map<int, nn::RoutingStats> routing;
            const std::string dataset = dataset_of(g, p);
            if (!dataset.empty()) {
                if (g.synthetic_weights)
                    throw ParamError("dataset: " + p.string("model") +
                                     " has made-up weights (a shape-only file): accuracy would mean nothing; "
                                     "set dataset: none");
                try {
                    evaluate(g, dataset, p.integer("test_samples"), evaluated, routing);
                } catch (const std::runtime_error& e) {  // nn::ModelError, nn::DatasetError
                    throw ParamError(std::string("dataset: ") + e.what());
                }
            }
            GraphLoweringOptions o = lowering_options(p);
            o.routing = &routing;
            const auto lowered = lower_graph(g, o);
            ModelSummary summary = summarise(g, lowered, o.batch, o.precision.weight_bits);
            summary.test_samples = evaluated.test_samples;
            summary.correct = evaluated.correct;
            summary.batch = o.batch;
            if (!p.string("save_model").empty() && !sim.check_only())
                nn::write_model(sim.resolve_path(p.string("save_model")).string(), g,
                                "qdes nn_model " + name + " from " + p.string("model"));
            return sim.add<ModelWorkload>(name, gemms_of(lowered), std::uint64_t(p.integer("repeat")), summary,
                                          layer_reports(g, lowered, o.batch), nn::sparsity_report(g));
        } catch (const nn::ModelError& e) {
            throw ParamError(e.what());
        } catch (const nn::DatasetError& e) {
            throw ParamError(e.what());
        } catch (const accel::AccelInputError& e) {
            throw ParamError(e.what());
        }
    };
    return k;
}

ModelWorkload::ModelWorkload(Simulation& sim, std::string name, std::vector<accel::GemmOp> ops, std::uint64_t repeat,
                             const ModelSummary& s, std::vector<ModelLayerReport> layers,
                             std::vector<nn::WeightSparsity> sparsity)
    : Workload(sim, std::move(name), std::move(ops), repeat),
      summary_(s),
      layers_(std::move(layers)),
      sparsity_(std::move(sparsity)),
      layer_trace_(open_trace(
          TraceSchemaBuilder<Row>("layers",
                                  "one row per GEMM of the network: what it is (weights, density, MACs, bits) "
                                  "joined with what the accelerator measured (per inference, mean over repeats)")
              .field("name", &Row::name, "", "the layer (an MoE layer's experts: one row per expert and half)")
              .field("layer", &Row::layer, "", "position in the network's GEMM list, from 0")
              .field("weight_bits", &Row::weight_bits, "bit", "weight precision")
              .field("input_bits", &Row::input_bits, "bit", "input precision")
              .field("measured", &Row::measured, "", "1 when the accelerator finished the layer")
              .field("weights", &Row::weights, "", "weights of the GEMM")
              .field("nonzero_weights", &Row::nonzero_weights, "", "of those, the ones kept")
              .field("density", &Row::density, "1", "kept fraction (N/M for N:M)")
              .field("macs", &Row::macs, "", "dense multiply-accumulates per sample")
              .field("effective_macs", &Row::effective_macs, "", "multiply-accumulates on kept weights per sample")
              .field("bops", &Row::bops, "", "MACs x weight bits x input bits per sample")
              .field("size_bytes", &Row::size_bytes, "B", "weights at their bit width, dense")
              .field("cycles", &Row::cycles, "cycles", "accelerator cycles per inference")
              .field("compute_cycles", &Row::compute_cycles, "cycles", "of those, the array computing")
              .field("stall_cycles", &Row::stall_cycles, "cycles", "of those, waiting for DRAM")
              .field("utilisation", &Row::utilisation, "1", "MACs / (cycles x processing elements)")
              .field("dram_bytes", &Row::dram_bytes, "B", "DRAM traffic per inference")
              .field("energy_pj", &Row::energy_pj, "pJ", "energy per inference"))),
      sparsity_trace_(open_trace(
          TraceSchemaBuilder<SparsityRow>("sparsity",
                                          "one row per weight tensor of the transformed network, in the columns of "
                                          "Distiller's weights_sparsity_summary (fractions, not percentages)")
              .field("name", &SparsityRow::name, "", "the layer")
              .field("role", &SparsityRow::role, "", "weight, fc1_weight, ... (which of its tensors)")
              .field("elements", &SparsityRow::elements, "", "NNZ (dense)")
              .field("nonzero", &SparsityRow::nonzero, "", "NNZ")
              .field("fine", &SparsityRow::fine, "1", "fraction of elements zero")
              .field("rows", &SparsityRow::rows, "1", "fraction of rows (output units) all zero")
              .field("cols", &SparsityRow::cols, "1", "fraction of columns of the [out, in x kernel] matrix all zero")
              .field("channels", &SparsityRow::channels, "1", "fraction of input channels zero in every filter")
              .field("kernels_2d", &SparsityRow::kernels_2d, "1", "fraction of R x S kernels all zero (convolutions)")
              .field("filters_3d", &SparsityRow::filters_3d, "1", "fraction of filters all zero (convolutions)")
              .field("mean", &SparsityRow::mean, "", "mean weight")
              .field("std", &SparsityRow::std, "", "standard deviation of the weights")
              .field("abs_mean", &SparsityRow::abs_mean, "", "mean |weight|"))) {
    auto fixed = [](Estimate& e, double v, std::uint64_t n = 1) { e.set(v, 0, v, v, n); };
    if (s.test_samples > 0) {
        // Binomial standard error and Wilson 95% bounds over the test samples.
        const double n = static_cast<double>(s.test_samples), p = static_cast<double>(s.correct) / n;
        double lower = 0, upper = 0;
        qec::wilson_interval(s.correct, s.test_samples, 1.96, lower, upper);
        accuracy_.set(p, std::sqrt(p * (1 - p) / n), lower, upper, s.test_samples);
        add_statistic("accuracy", accuracy_, "1", "top-1 accuracy on the test samples (Wilson 95% bounds)");
    }
    fixed(params_, static_cast<double>(s.params));
    fixed(nonzero_params_, static_cast<double>(s.nonzero_params));
    fixed(macs_, static_cast<double>(s.macs));
    fixed(effective_macs_, static_cast<double>(s.effective_macs));
    fixed(bops_, s.bops);
    fixed(model_bytes_, s.model_bytes);
    add_statistic("params", params_, "1", "weights and biases of convolution, linear and expert layers");
    add_statistic("nonzero_params", nonzero_params_, "1", "of those, the ones not pruned to zero");
    add_statistic("macs", macs_, "1", "dense multiply-accumulates per sample");
    add_statistic("effective_macs", effective_macs_, "1", "multiply-accumulates on kept weights per sample");
    add_statistic("bops", bops_, "1", "bit operations per sample: MACs x weight bits x input bits, summed");
    add_statistic("model_size", model_bytes_, "B",
                  "weights of every conv, linear and expert layer at their bit widths, dense, with their quantization "
                  "scales (float32) and zero points (at the weight width)");
}

void ModelWorkload::finish() {
    if (const accel::Accelerator* a = accelerator(); a != nullptr && !layers_.empty()) {
        // The accelerator's results come in the order the GEMMs were sent: pass r, layer i at r x layers + i.
        const auto& results = a->results();
        const std::size_t n = layers_.size();
        for (std::size_t i = 0; i < n; ++i) {
            ModelLayerReport& l = layers_[i];
            std::size_t passes = 0;
            l.cycles = l.compute_cycles = l.stall_cycles = l.utilisation = l.dram_bytes = l.energy_pj = 0;
            for (std::size_t at = i; at < results.size(); at += n, ++passes) {
                const accel::LayerStats& r = results[at];
                l.cycles += double(r.total_cycles), l.compute_cycles += double(r.compute_cycles);
                l.stall_cycles += double(r.stall_total()), l.utilisation += r.utilisation;
                l.dram_bytes += double(r.dram_bytes()), l.energy_pj += r.energy.total_pj();
            }
            l.measured = passes > 0;
            if (!l.measured) continue;
            for (double* v :
                 {&l.cycles, &l.compute_cycles, &l.stall_cycles, &l.utilisation, &l.dram_bytes, &l.energy_pj})
                *v /= double(passes);
        }
    }
    for (const nn::WeightSparsity& w : sparsity_) {
        SparsityRow r{};
        r.name.set(w.layer);
        r.role.set(w.role);
        r.elements = static_cast<std::uint64_t>(w.nnz_dense), r.nonzero = static_cast<std::uint64_t>(w.nnz);
        r.fine = w.fine, r.rows = w.rows, r.cols = w.cols, r.channels = w.channels;
        r.kernels_2d = w.kernels_2d, r.filters_3d = w.filters_3d, r.mean = w.mean, r.std = w.std;
        r.abs_mean = w.abs_mean;
        sparsity_trace_.append(r);
    }
    if (!layer_trace_.enabled()) return;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        const ModelLayerReport& l = layers_[i];
        Row r{};
        r.name.set(l.name);
        r.layer = static_cast<std::uint32_t>(i);
        r.weight_bits = l.weight_bits, r.input_bits = l.input_bits, r.measured = l.measured ? 1 : 0;
        r.weights = l.weights, r.nonzero_weights = l.nonzero_weights;
        r.density = l.weights ? double(l.nonzero_weights) / double(l.weights) : 0.0;
        r.macs = l.macs, r.effective_macs = l.effective_macs, r.bops = l.bops, r.size_bytes = l.size_bytes;
        r.cycles = l.cycles, r.compute_cycles = l.compute_cycles, r.stall_cycles = l.stall_cycles;
        r.utilisation = l.utilisation, r.dram_bytes = l.dram_bytes, r.energy_pj = l.energy_pj;
        layer_trace_.append(r);
    }
}

}  // namespace qdes::inference
