#include "protocols/inference/model_workload.h"

#include <cmath>
#include <filesystem>

#include "models/nn/dataset.h"
#include "models/nn/inference.h"
#include "models/nn/model_file.h"
#include "models/nn/onnx_import.h"
#include "models/nn/prune.h"
#include "models/nn/quantize.h"
#include "models/nn/reprune.h"
#include "models/nn/structured.h"
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

/// The dataset the network is evaluated (and calibrated) on: the scenario's, else the model file's; "" for none.
std::string dataset_of(const nn::Graph& g, const ParamValues& p) {
    const std::string d = p.string("dataset").empty() ? g.dataset : p.string("dataset");
    return d == "none" ? "" : d;
}

/// A transform's error as a ParamError naming the scenario key: the library names its own option ("layers: ...");
/// `keys` maps those names to the scenario's keys, and any other message is put under `fallback`.
ParamError keyed(const std::string& message, const std::vector<std::pair<std::string, std::string>>& keys,
                 const std::string& fallback) {
    for (const auto& [library, scenario] : keys)
        if (message.rfind(library + ":", 0) == 0) return ParamError(scenario + message.substr(library.size()));
    return ParamError(fallback + ": " + message);
}

/// Prunes the network as the parameters say. Errors name the parameter at fault.
void prune(nn::Graph& g, const ParamValues& p) {
    const std::string& method = p.string("prune");
    if (method == "none") return;
    const auto& exclude = p.string_list("prune_exclude");
    const double ratio = p.real("prune_ratio");
    try {
        if (method == "nm") {
            const accel::Sparsity s = accel::parse_nm(p.string("nm"), "nm");
            if (s.kind == accel::Sparsity::Kind::kNM)
                nn::prune_nm(g, static_cast<int>(s.n), static_cast<int>(s.m), exclude);
            return;
        }
        if (method == "magnitude") {
            if (ratio >= 1) throw ParamError("prune_ratio: 1 removes every weight; magnitude pruning takes [0, 1)");
            nn::prune_magnitude(g, ratio,
                                p.string("prune_scope") == "global" ? nn::PruneScope::kGlobal : nn::PruneScope::kLayer,
                                exclude);
            return;
        }
        nn::StructuredOptions so;
        so.criterion = nn::unit_criterion_from_name(p.string("prune_criterion"));
        so.layers = p.string_list("prune_layers");
        so.exclude = exclude;
        if (method == "filter") {
            nn::prune_units(g, ratio, so);
        } else if (method == "reprune_kernel") {
            nn::KernelRepresentativeOptions ko;
            ko.layers = so.layers;
            ko.exclude = so.exclude;
            ko.seed = static_cast<std::uint64_t>(p.integer("reprune_seed"));
            ko.refill =
                p.string("reprune_refill") == "gamma" ? nn::CoverageRefill::kGamma : nn::CoverageRefill::kFreshPass;
            nn::prune_kernel_representatives(g, ratio, ko);
        } else if (method == "reprune_election") {
            nn::prune_representative_election(
                g, ratio, so, p.string("election") == "max_norm" ? nn::Election::kMaxNorm : nn::Election::kCentroid);
        } else {  // merge
            nn::MergeOptions mo;
            mo.selection = so;
            mo.threshold = p.real("merge_threshold");
            mo.lambda = p.real("merge_lambda");
            mo.bn_rule = p.string("merge_bn_rule") == "paper-code" ? nn::MergeBnRule::kPaperCode
                                                                   : nn::MergeBnRule::kFirstPrinciples;
            nn::merge_units(g, ratio, mo);
        }
    } catch (const nn::ModelError& e) {
        throw keyed(e.what(),
                    {{"prune_ratio", "prune_ratio"},
                     {"layers", "prune_layers"},
                     {"exclude", "prune_exclude"},
                     {"criterion", "prune_criterion"}},
                    "prune");
    }
}

/// Quantizes the network as the parameters say: batch norm folded, weights, and (calibrated on the first
/// calibration_samples training samples) the inputs of every convolution and fully connected layer.
void quantize(nn::Graph& g, const ParamValues& p) {
    const std::string& mode = p.string("quantize");
    if (mode == "none") return;
    try {
        nn::check_bits(static_cast<int>(p.integer("weight_bits")), "weight_bits");
        if (mode == "weights_activations") nn::check_bits(static_cast<int>(p.integer("input_bits")), "input_bits");
        nn::fold_batchnorm(g);
        nn::WeightQuantOptions w;
        w.bits = static_cast<int>(p.integer("weight_bits"));
        w.symmetric = p.boolean("quant_symmetric");
        w.granularity =
            p.string("quant_granularity") == "tensor" ? nn::Granularity::kTensor : nn::Granularity::kChannel;
        w.exclude = p.string_list("quant_exclude");
        nn::quantize_weights(g, w);
    } catch (const nn::ModelError& e) {
        throw keyed(e.what(),
                    {{"weight_bits", "weight_bits"}, {"input_bits", "input_bits"}, {"exclude", "quant_exclude"}},
                    "quantize");
    }
    if (mode != "weights_activations") return;
    const std::string dataset = dataset_of(g, p);
    if (dataset.empty())
        throw ParamError(
            "quantize: weights_activations calibrates on training data; the model names no dataset, so "
            "set dataset:");
    nn::ActivationQuantOptions a;
    a.bits = static_cast<int>(p.integer("input_bits"));
    a.calibration = p.string("calibration") == "percentile" ? nn::Calibration::kPercentile : nn::Calibration::kMinMax;
    a.percentile = p.real("calibration_percentile");
    a.exclude = p.string_list("quant_exclude");
    nn::Tensor samples;
    try {
        const nn::Dataset train = nn::load_dataset(dataset, "train");
        samples = train.batch(0, std::min<std::int64_t>(p.integer("calibration_samples"), train.size()));
    } catch (const nn::DatasetError& e) {
        throw ParamError(std::string("dataset: ") + e.what());
    }
    try {
        nn::calibrate_activations(g, samples, a);
    } catch (const nn::ModelError& e) {
        throw keyed(e.what(), {{"calibration_percentile", "calibration_percentile"}, {"exclude", "quant_exclude"}},
                    "quantize");
    }
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

ModelSummary summarise(const nn::Graph& g, const std::vector<LoweredOp>& lowered, std::uint64_t batch) {
    ModelSummary s;
    for (const auto& info : g.infer()) {
        s.params += static_cast<std::uint64_t>(info.params);
        s.nonzero_params += static_cast<std::uint64_t>(info.nonzero_params);
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
        const double weights = static_cast<double>(l.op.N * l.op.K * l.op.groups);
        s.model_bytes += weights * l.op.precision.weight_bits / 8.0;
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
    k.params
        .choice("prune", {"none", "magnitude", "nm", "filter", "merge", "reprune_kernel", "reprune_election"},
                "pruning applied before evaluation: weight magnitude, N:M, or structured (the layers shrink): "
                "norm-based filter pruning, neuron merging, REPrune by kernel representatives (2024) or by "
                "representative election (2020, qdes's reading)")
        .with_default("none");
    k.params
        .real("prune_ratio",
              "fraction removed: of the weights (magnitude, [0, 1)), of each layer's units (filter, merge, "
              "reprune_election, (0, 1)), or of all batch-normed channels (reprune_kernel, (0, 1))")
        .with_default("0.5")
        .at_least(0)
        .at_most(1);
    k.params.choice("prune_criterion", {"l1", "l2", "l2-gm"}, "filter, merge: which units stay").with_default("l1");
    k.params.string_list("prune_layers", "filter, merge: the layers shrunk (empty: every layer that can shrink)")
        .with_default("[]");
    k.params
        .real("merge_threshold", "merge: a removed unit less cosine-similar than this to every kept unit is dropped")
        .with_default("0.1")
        .at_least(-1)
        .at_most(1);
    k.params.real("merge_lambda", "merge with batch norm: weight of the cosine distance against the bias term")
        .with_default("0.85")
        .at_least(0)
        .at_most(1);
    k.params
        .choice("merge_bn_rule", {"first-principles", "paper-code"},
                "merge with batch norm: the derived scale, or the public code's (inverted, variance for sigma)")
        .with_default("first-principles");
    k.params.integer("reprune_seed", "reprune_kernel: seed of the random tie-break between equally good filters")
        .with_default("1")
        .at_least(0);
    k.params
        .choice("reprune_refill", {"fresh_pass", "gamma"},
                "reprune_kernel: when every kernel cluster is covered early, cover again or fill by largest |gamma|")
        .with_default("fresh_pass");
    k.params.choice("election", {"centroid", "max_norm"}, "reprune_election: which filter a cluster keeps")
        .with_default("centroid");
    k.params.choice("prune_scope", {"layer", "global"}, "magnitude pruning: per layer or one global threshold")
        .with_default("layer");
    k.params.string("nm", "N:M pruning pattern").with_default("2:4");
    k.params.string_list("prune_exclude", "layers left unpruned").with_default("[]");
    k.params
        .choice("quantize", {"none", "weights", "weights_activations"},
                "uniform quantization to weight_bits (and input_bits for activations), batch norm folded first")
        .with_default("none");
    k.params.boolean("quant_symmetric", "weights: symmetric (restricted range) or asymmetric").with_default("true");
    k.params.choice("quant_granularity", {"tensor", "channel"}, "weights: one scale per tensor or per output channel")
        .with_default("channel");
    k.params.string_list("quant_exclude", "layers left in float").with_default("[]");
    k.params.choice("calibration", {"minmax", "percentile"}, "activation range: observed min-max or percentiles")
        .with_default("minmax");
    k.params.real("calibration_percentile", "percentile calibration: the upper percentile (lower: 100 - it)")
        .with_default("99.99")
        .at_least(50)
        .at_most(100);
    k.params.integer("calibration_samples", "training samples the activation ranges are measured on")
        .with_default("512")
        .at_least(1);
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
            prune(g, p);
            quantize(g, p);
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
            ModelSummary summary = summarise(g, lowered, o.batch);
            summary.test_samples = evaluated.test_samples;
            summary.correct = evaluated.correct;
            if (!p.string("save_model").empty())
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
    add_statistic("model_size", model_bytes_, "B", "weights at their bit widths, stored dense");
}

}  // namespace qdes::inference
