#include "protocols/inference/model_transforms.h"

#include <unistd.h>

#include <cstdio>
#include <map>

#include "hardware/accel/accelerator.h"
#include "hardware/accel/gemm.h"
#include "models/nn/dataset.h"
#include "models/nn/lottery.h"
#include "models/nn/mixed_precision.h"
#include "models/nn/model_file.h"
#include "models/nn/moe_prune.h"
#include "models/nn/prune.h"
#include "models/nn/quantize.h"
#include "models/nn/reprune.h"
#include "models/nn/structured.h"
#include "models/nn/train.h"
#include "protocols/inference/workload.h"
#include "sim/simulation.h"

namespace qdes::inference {

namespace {

/// A transform's error as a ParamError naming the scenario key: the library names its own option ("layers: ...");
/// `keys` maps those names to the scenario's keys, and any other message is put under `fallback`.
ParamError keyed(const std::string& message, const std::vector<std::pair<std::string, std::string>>& keys,
                 const std::string& fallback) {
    for (const auto& [library, scenario] : keys)
        if (message.rfind(library + ":", 0) == 0) return ParamError(scenario + message.substr(library.size()));
    return ParamError(fallback + ": " + message);
}

/// A progress line on stderr when it is a terminal (so that sweeps' logs and pipes stay clean).
void progress(const std::string& component, const std::string& line) {
    static const bool terminal = isatty(fileno(stderr)) != 0;
    if (terminal) std::fprintf(stderr, "nn_model %s: %s\n", component.c_str(), line.c_str());
}

std::string percent(double fraction) {
    return nn::number_text(100.0 * fraction) + "%";
}

/// The training split of the network's dataset (the first train_samples of it when set).
nn::Dataset training_split(const nn::Graph& g, const ParamValues& p, const std::string& why) {
    const std::string dataset = dataset_of(g, p);
    if (dataset.empty()) throw ParamError(why + " trains on data; the model names no dataset, so set dataset:");
    try {
        nn::Dataset train = nn::load_dataset(dataset, "train");
        const std::int64_t limit = p.integer("train_samples");
        if (limit > 0 && limit < train.size()) {
            std::vector<std::int64_t> first(static_cast<std::size_t>(limit));
            for (std::int64_t i = 0; i < limit; ++i) first[static_cast<std::size_t>(i)] = i;
            train = train.subset(first);
        }
        return train;
    } catch (const nn::DatasetError& e) {
        throw ParamError(std::string("dataset: ") + e.what());
    }
}

nn::TrainOptions training_options(const ParamValues& p, int epochs) {
    nn::TrainOptions o;
    o.epochs = epochs;
    o.batch_size = p.integer("train_batch");
    o.lr = p.real("train_lr");
    o.momentum = p.real("train_momentum");
    o.weight_decay = p.real("train_weight_decay");
    o.schedule = p.string("train_schedule") == "constant" ? nn::LrSchedule::kConstant : nn::LrSchedule::kCosine;
    o.seed = static_cast<std::uint64_t>(p.integer("train_seed"));
    return o;
}

/// Prunes the network as the parameters say. Errors name the parameter at fault.
void prune(nn::Graph& g, const ParamValues& p, const Simulation& sim, const std::string& component) {
    const std::string& method = p.string("prune");
    if (method == "none") return;
    const bool macs_target = p.string("prune_target") == "macs";
    if (macs_target && method != "filter" && method != "merge" && method != "reprune_election")
        throw ParamError(
            "prune_target: macs solves the per-layer unit ratio of filter, merge or reprune_election; "
            "prune: " +
            method + " takes prune_ratio as it is");
    if (method == "experts") {
        if (p.string("pretrained_model").empty())
            throw ParamError(
                "pretrained_model: prune: experts scores the experts against the pretrained checkpoint; "
                "name its file");
        nn::Graph pretrained;
        try {
            pretrained = nn::read_model(sim.resolve_path(p.string("pretrained_model")).string());
        } catch (const nn::ModelError& e) {
            throw ParamError(std::string("pretrained_model: ") + e.what());
        }
        nn::ExpertPruneOptions o;
        o.score = nn::expert_score_from_name(p.string("expert_score"));
        o.largest_first = p.string("expert_order") == "largest_first";
        o.layers = p.string_list("prune_layers");
        try {
            nn::prune_experts(g, pretrained, p.real("prune_ratio"), o);
        } catch (const nn::ModelError& e) {
            throw keyed(e.what(),
                        {{"ratio", "prune_ratio"}, {"layers", "prune_layers"}, {"pretrained", "pretrained_model"}},
                        "prune");
        }
        return;
    }
    const auto& exclude = p.string_list("prune_exclude");
    double ratio = p.real("prune_ratio");
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
        if (macs_target) {
            const double macs = static_cast<double>(g.total_macs());
            ratio = nn::ratio_for_macs(g, ratio, so);
            if (!sim.check_only())
                progress(component, "prune_target macs: " + percent(p.real("prune_ratio")) + " of " +
                                        nn::number_text(macs) + " MACs go at a unit ratio of " +
                                        nn::number_text(ratio) + " in each of " +
                                        std::to_string(nn::layers_to_shrink(g, so).size()) + " layers");
        }
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

/// The weight quantizer the parameters describe (its default bits left to the caller).
nn::WeightQuantOptions weight_quant_options(const ParamValues& p) {
    nn::WeightQuantOptions w;
    w.symmetric = p.boolean("quant_symmetric");
    w.granularity = p.string("quant_granularity") == "tensor" ? nn::Granularity::kTensor : nn::Granularity::kChannel;
    w.exclude = p.string_list("quant_exclude");
    return w;
}

/// The accelerator a latency budget is measured on: the systolic_accelerator named by mixed_latency_on (the
/// scenario builds it first).
const accel::Accelerator& latency_accelerator(const ParamValues& p, const Simulation& sim) {
    const std::string& name = p.string("mixed_latency_on");
    if (name.empty())
        throw ParamError(
            "mixed_latency_on: mixed_budget: latency measures each layer on an accelerator; name its "
            "systolic_accelerator component");
    const Component* c = sim.find(name);
    const auto* a = dynamic_cast<const accel::Accelerator*>(c);
    if (a == nullptr)
        throw ParamError(
            "mixed_latency_on: " + name +
            (c ? " is not a systolic_accelerator" : " is no component of the scenario (or failed to build)"));
    if (a->setup().mode != accel::AccelMode::kRealistic)
        throw ParamError("mixed_latency_on: " + name +
                         " runs in scalesim mode, which has no DRAM timing; use "
                         "mode: realistic");
    return *a;
}

/// Accelerator cycles of each convolution and fully connected node with every such node's weights at `bits`,
/// from one run of the whole network on a copy of `accelerator` (so each layer meets the DRAM state the layers
/// before it leave).
std::map<int, double> layer_cycles(const nn::Graph& g, int bits, const GraphLoweringOptions& lowering,
                                   const accel::Accelerator& accelerator) {
    nn::Graph copy = g;
    for (nn::Node& n : copy.nodes)
        if (n.op == nn::Op::kConv || n.op == nn::Op::kLinear) n.weight_bits = bits;
    const std::vector<LoweredOp> lowered = lower_graph(copy, lowering);
    Simulation sim;
    const accel::Accelerator& a = add_network(sim, gemms_of(lowered), accelerator.setup());
    sim.run();
    sim.finish();
    std::map<int, double> cycles;
    for (std::size_t i = 0; i < lowered.size() && i < a.results().size(); ++i)
        cycles[lowered[i].node] += static_cast<double>(a.results()[i].total_cycles);
    return cycles;
}

/// Mixed precision from Hessian traces and an exact allocation under a size, BOPS or latency budget.
void mixed_precision(nn::Graph& g, const ParamValues& p, const Simulation& sim, const std::string& component) {
    const bool check_only = sim.check_only();
    nn::MixedPrecisionOptions o;
    o.bits.clear();
    for (const std::string& text : p.string_list("mixed_bits")) {
        std::size_t used = 0;
        int b = 0;
        try {
            b = std::stoi(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != text.size() || text.empty()) throw ParamError("mixed_bits: '" + text + "' is not a bit width");
        o.bits.push_back(b);
    }
    const std::string& budget = p.string("mixed_budget");
    o.budget = budget == "bops"      ? nn::BitBudget::kBops
               : budget == "latency" ? nn::BitBudget::kLatency
                                     : nn::BitBudget::kSize;
    std::map<int, std::map<int, double>> cycles;  // by width, by node: one network run per width
    if (o.budget == nn::BitBudget::kLatency) {
        const accel::Accelerator& a = latency_accelerator(p, sim);
        const GraphLoweringOptions lowering = lowering_options(p);
        o.latency = [&g, &cycles, &a, lowering](int node, int bits) {
            if (!cycles.count(bits)) cycles[bits] = layer_cycles(g, bits, lowering, a);
            return cycles[bits][node];
        };
    }
    o.alpha = p.real("mixed_alpha");
    o.use_trace = p.string("mixed_sensitivity") == "hessian";
    o.probes = static_cast<int>(p.integer("hessian_probes"));
    o.seed = static_cast<std::uint64_t>(p.integer("train_seed"));
    o.activation_bits = static_cast<int>(p.integer("input_bits"));
    o.quant = weight_quant_options(p);
    nn::Dataset train = training_split(g, p, "quantize: mixed");
    const std::int64_t n = std::min<std::int64_t>(p.integer("hessian_samples"), train.size());
    const std::vector<int> labels(train.labels.begin(), train.labels.begin() + n);
    nn::MixedPrecisionReport r;
    try {
        if (check_only) {  // the options and the network, without the Hessians
            nn::check_mixed_precision(g, o);
            return;
        }
        r = nn::quantize_mixed_precision(g, train.batch(0, n), labels, o);
    } catch (const nn::ModelError& e) {
        throw keyed(e.what(),
                    {{"bits", "mixed_bits"},
                     {"alpha", "mixed_alpha"},
                     {"exclude", "quant_exclude"},
                     {"budget", "mixed_budget"}},
                    "quantize");
    }
    for (const nn::LayerPrecision& l : r.layers)
        progress(component, "mixed precision: " + l.name + " " + std::to_string(l.bits) + " bits (trace " +
                                nn::number_text(l.trace) + " +- " + nn::number_text(l.trace_std_error) + ", " +
                                std::to_string(l.weights) + " weights)");
    progress(component, "mixed precision: " + budget + " " + nn::number_text(r.cost) + " of a budget of " +
                            nn::number_text(r.budget) + (budget == "latency" ? " cycles" : ""));
}

/// Quantizes the network as the parameters say: batch norm folded, weights, and (calibrated on the first
/// calibration_samples training samples) the inputs of every convolution and fully connected layer.
void quantize(nn::Graph& g, const ParamValues& p, const Simulation& sim, const std::string& component) {
    const std::string& mode = p.string("quantize");
    if (mode == "none") return;
    if (mode == "mixed") {
        mixed_precision(g, p, sim, component);
        return;
    }
    try {
        nn::check_bits(static_cast<int>(p.integer("weight_bits")), "weight_bits");
        if (mode == "weights_activations") nn::check_bits(static_cast<int>(p.integer("input_bits")), "input_bits");
        nn::fold_batchnorm(g);
        nn::WeightQuantOptions w = weight_quant_options(p);
        w.bits = static_cast<int>(p.integer("weight_bits"));
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

/// Iterative magnitude pruning with rewinding on the model's architecture (its weights are replaced).
void lottery(nn::Graph& g, const ParamValues& p, const std::string& component, bool check_only) {
    const nn::Dataset train = training_split(g, p, "prune: lottery");
    nn::Dataset test;
    try {
        test = nn::load_dataset(dataset_of(g, p), "test");
    } catch (const nn::DatasetError& e) {
        throw ParamError(std::string("dataset: ") + e.what());
    }
    nn::LotteryOptions o;
    o.rounds = static_cast<int>(p.integer("lottery_rounds"));
    o.fraction = p.real("prune_ratio");
    o.output_fraction = p.real("lottery_output_ratio") < 0 ? o.fraction / 2 : p.real("lottery_output_ratio");
    o.scope = p.string("prune_scope") == "global" ? nn::PruneScope::kGlobal : nn::PruneScope::kLayer;
    o.exclude = p.string_list("prune_exclude");
    o.rewind_steps = p.integer("lottery_rewind_steps");
    o.init_seed = static_cast<std::uint64_t>(p.integer("init_seed"));
    o.train = training_options(p, static_cast<int>(p.integer("train_epochs")));
    const bool control = p.string("lottery_control") == "reinit";
    try {
        if (check_only) {  // the options and the network, without the trainings
            nn::check_lottery(g, o);
            return;
        }
        nn::find_lottery_ticket(
            g, train, test, o, control ? o.init_seed + 1000 : 0, control, [&](const nn::LotteryRound& r) {
                progress(component, "lottery round " + std::to_string(r.round) + "/" + std::to_string(o.rounds) +
                                        ": density " + percent(r.density) + ", test top-1 " + percent(r.accuracy));
            });
    } catch (const nn::ModelError& e) {
        throw keyed(e.what(),
                    {{"fraction", "prune_ratio"},
                     {"output_fraction", "lottery_output_ratio"},
                     {"exclude", "prune_exclude"},
                     {"rounds", "lottery_rounds"}},
                    "prune");
    }
}

/// Fine-tunes the (pruned) network; masks keep pruned weights at zero.
void finetune(nn::Graph& g, const ParamValues& p, const std::string& component, bool check_only) {
    const nn::Dataset train = training_split(g, p, "finetune_epochs");
    nn::TrainOptions o = training_options(p, static_cast<int>(p.integer("finetune_epochs")));
    o.on_epoch = [&](const nn::EpochLog& log) {
        progress(component, "fine-tune epoch " + std::to_string(log.epoch) + "/" + std::to_string(o.epochs) +
                                ": loss " + nn::number_text(log.loss) + ", train top-1 " + percent(log.train_accuracy));
    };
    try {
        if (check_only) {
            nn::check_trainable(g);
            return;
        }
        nn::train(g, train, o);
    } catch (const nn::ModelError& e) {
        throw ParamError(std::string("finetune_epochs: ") + e.what());
    }
}

}  // namespace

GraphLoweringOptions lowering_options(const ParamValues& p) {
    GraphLoweringOptions o;
    o.batch = static_cast<std::uint64_t>(p.integer("batch"));
    o.precision = {std::uint32_t(p.integer("weight_bits")), std::uint32_t(p.integer("input_bits")),
                   std::uint32_t(p.integer("output_bits"))};
    o.sparse_format =
        p.string("sparse_format") == "csr" ? accel::Sparsity::Format::kCsr : accel::Sparsity::Format::kBitmap;
    return o;
}

/// The dataset the network is evaluated (and calibrated) on: the scenario's, else the model file's; "" for none.
std::string dataset_of(const nn::Graph& g, const ParamValues& p) {
    const std::string d = p.string("dataset").empty() ? g.dataset : p.string("dataset");
    return d == "none" ? "" : d;
}

void declare_transform_params(ParamSchema& params) {
    params
        .choice(
            "prune",
            {"none", "magnitude", "nm", "filter", "merge", "reprune_kernel", "reprune_election", "lottery", "experts"},
            "pruning applied before evaluation: weight magnitude, N:M, or structured (the layers shrink): "
            "norm-based filter pruning, neuron merging, REPrune by kernel representatives (2024) or by "
            "representative election (2020, qdes's reading); or a lottery ticket (iterative magnitude pruning "
            "with rewinding, trained from a fresh initialisation of the model's architecture); or mixture-of-experts "
            "expert pruning by the change of the router rows from pretrained_model (Chowdhury et al. 2024)")
        .with_default("none");
    params
        .real("prune_ratio",
              "fraction removed: of the weights (magnitude, [0, 1)), of each layer's units (filter, merge, "
              "reprune_election, (0, 1)), of all batch-normed channels (reprune_kernel, (0, 1)), or of the "
              "surviving weights in each lottery round ((0, 1)), or of each MoE layer's experts (experts, floor(r E))")
        .with_default("0.5")
        .at_least(0)
        .at_most(1);
    params
        .choice("prune_target", {"units", "macs"},
                "filter, merge, reprune_election: prune_ratio is of each layer's units, or of the network's MACs "
                "(the per-layer unit ratio solved for it, the same in every layer shrunk)")
        .with_default("units");
    params.choice("prune_criterion", {"l1", "l2", "l2-gm"}, "filter, merge: which units stay").with_default("l1");
    params.string_list("prune_layers", "filter, merge: the layers shrunk (empty: every layer that can shrink)")
        .with_default("[]");
    params.real("merge_threshold", "merge: a removed unit less cosine-similar than this to every kept unit is dropped")
        .with_default("0.1")
        .at_least(-1)
        .at_most(1);
    params.real("merge_lambda", "merge with batch norm: weight of the cosine distance against the bias term")
        .with_default("0.85")
        .at_least(0)
        .at_most(1);
    params
        .choice("merge_bn_rule", {"first-principles", "paper-code"},
                "merge with batch norm: the derived scale, or the public code's (inverted, variance for sigma)")
        .with_default("first-principles");
    params.integer("reprune_seed", "reprune_kernel: seed of the random tie-break between equally good filters")
        .with_default("1")
        .at_least(0);
    params
        .choice("reprune_refill", {"fresh_pass", "gamma"},
                "reprune_kernel: when every kernel cluster is covered early, cover again or fill by largest |gamma|")
        .with_default("fresh_pass");
    params.choice("election", {"centroid", "max_norm"}, "reprune_election: which filter a cluster keeps")
        .with_default("centroid");
    params
        .string("pretrained_model", "experts: the pretrained checkpoint (qdes HDF5) the router change is measured from")
        .with_default("");
    params
        .choice("expert_score", {"norm_change", "change_norm"},
                "experts: ||w_T|| - ||w_0|| of each router row (the paper's rule) or ||w_T - w_0|| (the other reading)")
        .with_default("norm_change");
    params
        .choice("expert_order", {"smallest_first", "largest_first"},
                "experts: prune the smallest scores first (the method) or the largest (a control)")
        .with_default("smallest_first");
    params.integer("lottery_rounds", "lottery: pruning rounds (density (1 - prune_ratio)^rounds)")
        .with_default("5")
        .at_least(0);
    params
        .real("lottery_output_ratio",
              "lottery: the last layer's fraction per round (negative: half of prune_ratio, as Frankle & Carbin)")
        .with_default("-1")
        .at_most(0.99);
    params
        .integer("lottery_rewind_steps",
                 "lottery: survivors are reset to the weights after this many training steps (0: the initialisation)")
        .with_default("0")
        .at_least(0);
    params
        .choice("lottery_control", {"none", "reinit"},
                "lottery: none keeps the ticket; reinit trains the same mask from a fresh initialisation "
                "(init_seed + 1000), the control")
        .with_default("none");
    params.integer("init_seed", "lottery: seed of the initialisation (PyTorch's default uniform)")
        .with_default("1")
        .at_least(0);
    params.integer("finetune_epochs", "epochs of training after pruning (0: none), on the training split")
        .with_default("0")
        .at_least(0);
    params.integer("train_epochs", "lottery: epochs of each training round").with_default("10").at_least(1);
    params.real("train_lr", "training: initial learning rate").with_default("0.01").at_least(1e-9);
    params.integer("train_batch", "training: samples per SGD step").with_default("64").at_least(1);
    params.real("train_momentum", "training: SGD momentum").with_default("0.9").at_least(0).at_most(0.999);
    params.real("train_weight_decay", "training: L2 weight decay").with_default("1e-4").at_least(0);
    params.choice("train_schedule", {"cosine", "constant"}, "training: learning rate per epoch").with_default("cosine");
    params.integer("train_seed", "training: seed of the sample order").with_default("1").at_least(0);
    params.integer("train_samples", "training: the first this many training samples (0: all)")
        .with_default("0")
        .at_least(0);
    params.choice("prune_scope", {"layer", "global"}, "magnitude pruning: per layer or one global threshold")
        .with_default("layer");
    params.string("nm", "N:M pruning pattern").with_default("2:4");
    params.string_list("prune_exclude", "layers left unpruned").with_default("[]");
    params
        .choice("quantize", {"none", "weights", "weights_activations", "mixed"},
                "uniform quantization to weight_bits (and input_bits for activations), batch norm folded first; "
                "mixed: per-layer weight bits from Hessian traces under a size or BOPS budget (HAWQ-V2/V3)")
        .with_default("none");
    params.string_list("mixed_bits", "mixed: the candidate weight bit widths").with_default("[4, 8]");
    params
        .choice("mixed_budget", {"size", "bops", "latency"},
                "mixed: what the budget limits: weight bits, MACs x weight bits x input_bits, or the accelerator "
                "cycles of the layers (on mixed_latency_on)")
        .with_default("size");
    params
        .string("mixed_latency_on",
                "mixed_budget latency: the systolic_accelerator the layers are timed on (built first), one run of the "
                "network per candidate width")
        .with_default("");
    params.real("mixed_alpha", "mixed: budget = all-lowest + alpha (all-highest - all-lowest), as HAWQ-V3's 0.5")
        .with_default("0.5")
        .at_least(0)
        .at_most(1);
    params
        .choice("mixed_sensitivity", {"hessian", "none"},
                "mixed: penalty Tr(H)/n x quantization error, or the error alone (the trace-blind control)")
        .with_default("hessian");
    params.integer("hessian_probes", "mixed: Hutchinson probes per layer (fewer once the estimate is within 1%)")
        .with_default("50")
        .at_least(2);
    params.integer("hessian_samples", "mixed: training samples the loss curvature is measured on")
        .with_default("256")
        .at_least(1);
    params.boolean("quant_symmetric", "weights: symmetric (restricted range) or asymmetric").with_default("true");
    params.choice("quant_granularity", {"tensor", "channel"}, "weights: one scale per tensor or per output channel")
        .with_default("channel");
    params.string_list("quant_exclude", "layers left in float").with_default("[]");
    params.choice("calibration", {"minmax", "percentile"}, "activation range: observed min-max or percentiles")
        .with_default("minmax");
    params.real("calibration_percentile", "percentile calibration: the upper percentile (lower: 100 - it)")
        .with_default("99.99")
        .at_least(50)
        .at_most(100);
    params.integer("calibration_samples", "training samples the activation ranges are measured on")
        .with_default("512")
        .at_least(1);
}

void transform(nn::Graph& g, const ParamValues& p, const Simulation& sim, const std::string& component) {
    const bool check_only = sim.check_only();
    if (p.string("prune") == "lottery")
        lottery(g, p, component, check_only);
    else
        prune(g, p, sim, component);
    if (p.integer("finetune_epochs") > 0) finetune(g, p, component, check_only);
    quantize(g, p, sim, component);
}

}  // namespace qdes::inference
