#include "protocols/inference/workload.h"

#include "protocols/inference/model_workload.h"
#include "sim/simulation.h"

namespace qdes::inference {

ComponentKind Workload::kind() {
    ComponentKind k;
    k.name = "nn_workload";
    k.doc = "a network's layers (a SCALE-Sim topology CSV or a layers list) lowered to GEMMs and sent to an "
            "accelerator one at a time";
    k.params.string("topology", "SCALE-Sim topology CSV, relative to the scenario's folder (or give layers)")
        .with_default("");
    k.params.boolean("gemm", "the topology file is in Layer, M, N, K form").with_default("false");
    k.params.string_list("layers",
                         "layers as `name: conv H= W= R= S= C= F= stride=`, `name: dwconv H= W= R= S= C= stride=` or "
                         "`name: gemm M= N= K=`, each with optional wbits= ibits= obits= and sparsity=N:M or "
                         "density= format=bitmap|csr; after the topology's layers when both are given")
        .with_default("[]");
    k.params.integer("weight_bits", "default weight precision").with_default("8").at_least(2).at_most(32);
    k.params.integer("input_bits", "default input precision").with_default("8").at_least(2).at_most(32);
    k.params.integer("output_bits", "default output precision").with_default("8").at_least(2).at_most(32);
    k.params.string("sparsity", "default weight sparsity: dense, N:M (2:4) or a density in (0, 1]")
        .with_default("dense");
    k.params.choice("sparse_format", {"bitmap", "csr"}, "compressed format of unstructured sparsity")
        .with_default("bitmap");
    k.params.boolean("depthwise_single_filter",
                     "read a topology row with one filter over several channels as a depthwise convolution (as "
                     "SCALE-Sim's MobileNet file writes them); false reads it literally, as SCALE-Sim does")
        .with_default("true");
    k.params.integer("repeat", "times the network runs (inferences)").with_default("1").at_least(1);
    k.create = [](Simulation& sim, const std::string& name, const ParamValues& p) -> Component& {
        return sim.add<Workload>(name, ops_of(sim, p), std::uint64_t(p.integer("repeat")));
    };
    return k;
}

std::vector<accel::GemmOp> Workload::ops_of(const Simulation& sim, const ParamValues& p) {
    std::vector<Layer> layers;
    try {
        if (!p.string("topology").empty())
            layers = read_topology_csv(sim.resolve_path(p.string("topology")).string(), p.boolean("gemm"));
        const auto& specs = p.string_list("layers");
        for (std::size_t i = 0; i < specs.size(); ++i)
            layers.push_back(parse_layer_spec(specs[i], "layers[" + std::to_string(i) + "]"));
        if (layers.empty()) throw accel::AccelInputError("give a topology file or a layers list");
        LoweringOptions o;
        o.precision = {std::uint32_t(p.integer("weight_bits")), std::uint32_t(p.integer("input_bits")),
                       std::uint32_t(p.integer("output_bits"))};
        const std::string& sp = p.string("sparsity");
        if (sp.find(':') != std::string::npos) {
            o.sparsity = accel::parse_nm(sp, "sparsity");
        } else if (sp != "dense") {
            double d = 0;
            try {
                std::size_t used = 0;
                d = std::stod(sp, &used);
                if (used != sp.size()) throw std::invalid_argument(sp);
            } catch (const std::exception&) {
                throw accel::AccelInputError("sparsity \"" + sp + "\" is not dense, N:M or a density");
            }
            if (!(d > 0 && d <= 1)) throw accel::AccelInputError("sparsity density " + sp + " must be in (0, 1]");
            o.sparsity.kind = accel::Sparsity::Kind::kUnstructured;
            o.sparsity.density = d;
            o.sparsity.format = p.string("sparse_format") == "csr" ? accel::Sparsity::Format::kCsr
                                                                   : accel::Sparsity::Format::kBitmap;
        }
        o.single_filter_is_depthwise = p.boolean("depthwise_single_filter");
        return lower(layers, o);
    } catch (const accel::AccelInputError& e) {
        throw ParamError(e.what());
    }
}

Workload::Workload(Simulation& sim, std::string name, std::vector<accel::GemmOp> ops, std::uint64_t repeat)
    : Component(sim, std::move(name)),
      ops_(std::move(ops)),
      repeat_(repeat),
      out_(*this, "out", "one GEMM per layer"),
      done_(*this, "done", [this](const accel::GemmDone&) {
          layers_done_.add();
          layer_latency_ps_.add(double(now() - sent_at_));
          send_next();
      }, "the accelerator's layer-done signal") {
    add_statistic("layers_done", layers_done_, "layers", "layers finished");
    add_statistic("layer_latency", layer_latency_ps_, "ps", "from sending a layer to its last output landing");
    add_statistic("inference_latency", latency_s_, "s", "mean time of one pass over the network");
}

const accel::Accelerator* Workload::accelerator() const {
    const auto* link = out_.link();
    return link == nullptr ? nullptr : dynamic_cast<const accel::Accelerator*>(&link->target().owner());
}

void Workload::check() const {
    const accel::Accelerator* a = accelerator();
    if (a == nullptr) return;
    try {
        a->check_layers(ops_);
    } catch (const accel::AccelInputError& e) {
        throw ParamError(std::string(e.what()) + " (on " + a->name() + ")");
    }
}

void Workload::start() {
    started_ = now();
    send_next();
}

void Workload::send_next() {
    if (sent_ == ops_.size() * repeat_) {
        const double per = double(now() - started_) * 1e-12 / double(repeat_);
        latency_s_.set(per, 0, per, per, repeat_);
        return;
    }
    sent_at_ = now();
    out_.send(accel::GemmRequest{ops_[sent_ % ops_.size()], sent_});
    ++sent_;
}

accel::Accelerator& add_network(Simulation& sim, std::vector<accel::GemmOp> ops, accel::AcceleratorSetup setup) {
    auto& net = sim.add<Workload>("net", std::move(ops), 1);
    auto& accelerator = sim.add<accel::Accelerator>("accel", std::move(setup));
    sim.connect(*net.find_port("out"), *accelerator.find_port("in"), 0);
    sim.connect(*accelerator.find_port("done"), *net.find_port("done"), 0);
    return accelerator;
}

void register_inference_components(ComponentRegistry& registry) {
    registry.add(Workload::kind());
    registry.add(ModelWorkload::kind());
}

}  // namespace qdes::inference
