#include "protocols/inference/model_workload.h"

#include <cmath>
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
            GraphLoweringOptions o;
            o.batch = static_cast<std::uint64_t>(p.integer("batch"));
            o.precision = {std::uint32_t(p.integer("weight_bits")), std::uint32_t(p.integer("input_bits")),
                           std::uint32_t(p.integer("output_bits"))};
            o.sparse_format =
                p.string("sparse_format") == "csr" ? accel::Sparsity::Format::kCsr : accel::Sparsity::Format::kBitmap;
            o.routing = &routing;
            const auto lowered = lower_graph(g, o);
            ModelSummary summary = summarise(g, lowered, o.batch, o.precision.weight_bits);
            summary.test_samples = evaluated.test_samples;
            summary.correct = evaluated.correct;
            if (!p.string("save_model").empty() && !sim.check_only())
                nn::write_model(sim.resolve_path(p.string("save_model")).string(), g,
                                "qdes nn_model " + name + " from " + p.string("model"));
            return sim.add<ModelWorkload>(name, gemms_of(lowered), std::uint64_t(p.integer("repeat")), summary);
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
                             const ModelSummary& s)
    : Workload(sim, std::move(name), std::move(ops), repeat) {
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
                  "weights of every conv, linear and expert layer at their bit widths, dense (scales not counted)");
}

}  // namespace qdes::inference
