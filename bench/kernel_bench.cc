// The kernel workloads of bench/workloads.h on the qdes kernel.

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/workloads.h"
#include "sim/simulation.h"

namespace qdes::bench {
namespace {

struct Token {
    std::uint64_t hops;
};

}  // namespace
}  // namespace qdes::bench
QDES_MESSAGE_TYPE(qdes::bench::Token);

namespace qdes::bench {
namespace {

class RingNode final : public Component {
  public:
    RingNode(Simulation& sim, std::string name, bool inject) : Component(sim, std::move(name)), inject_(inject) {}
    void start() override {
        if (inject_) out.send(Token{0});
    }
    OutPort<Token> out{*this, "out"};
    InPort<Token> in{*this, "in", [this](const Token& t) { out.send(Token{t.hops + 1}); }};

  private:
    bool inject_;
};

class JitterNode final : public Component {
  public:
    JitterNode(Simulation& sim, std::string name) : Component(sim, std::move(name)), rng_(random_stream("delay")) {}
    void start() override { fire(); }
    void fire() {
        schedule_after((1 + rng_.uniform_below(1000)) * kNanosecond, [this] { fire(); });
    }

  private:
    RandomStream rng_;
};

void report(const char* workload, const RunResult& r) {
    std::printf("qdes %s events=%llu seconds=%.4f rate=%.6g\n", workload, static_cast<unsigned long long>(r.events),
                r.wall_seconds, double(r.events) / r.wall_seconds);
}

void ring() {
    Simulation sim(SimulationConfig{kBenchSeed});
    std::vector<RingNode*> nodes;
    for (int i = 0; i < kRingNodes; ++i) nodes.push_back(&sim.add<RingNode>("n" + std::to_string(i), i == 0));
    for (int i = 0; i < kRingNodes; ++i) sim.connect(nodes[i]->out, nodes[(i + 1) % kRingNodes]->in, kNanosecond);
    report("ring", sim.run(StopCondition{.max_events = kEvents}));
}

void jitter() {
    Simulation sim(SimulationConfig{kBenchSeed});
    for (int i = 0; i < kJitterNodes; ++i) sim.add<JitterNode>("j" + std::to_string(i));
    report("jitter", sim.run(StopCondition{.max_events = kEvents}));
}

}  // namespace
}  // namespace qdes::bench

int main(int argc, char** argv) {
    std::string only = argc > 1 ? argv[1] : "";
    if (only.empty() || only == "ring") qdes::bench::ring();
    if (only.empty() || only == "jitter") qdes::bench::jitter();
    return 0;
}
