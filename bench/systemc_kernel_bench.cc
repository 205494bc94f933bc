// The kernel workloads of bench/workloads.h on SystemC 2.3.4, written as a SystemC user would: one SC_MODULE per
// component, an SC_METHOD per module, sc_event::notify with a delay for the token hop, next_trigger for the
// self-rescheduling nodes. Random delays come from the same qdes RandomStream as the qdes benchmark.

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "bench/workloads.h"
#include "sim/random.h"

using namespace sc_core;

namespace {

std::uint64_t g_events = 0;  // benchmark-only counter (SystemC itself is built on global state)

SC_MODULE(RingNode) {
    sc_event arrive;
    RingNode* next = nullptr;
    SC_CTOR(RingNode) {
        SC_METHOD(on_token);
        sensitive << arrive;
        dont_initialize();
    }
    void on_token() {
        if (++g_events >= qdes::bench::kEvents) {
            sc_stop();
            return;
        }
        next->arrive.notify(1, SC_NS);
    }
};

SC_MODULE(JitterNode) {
    qdes::RandomStream rng;
    JitterNode(sc_module_name name, std::uint64_t stream) : sc_module(name), rng(qdes::bench::kBenchSeed, stream) {
        SC_METHOD(fire);
    }
    SC_HAS_PROCESS(JitterNode);
    void fire() {
        if (++g_events > qdes::bench::kEvents) {
            sc_stop();
            return;
        }
        next_trigger(sc_time(double(1 + rng.uniform_below(1000)), SC_NS));
    }
};

void report(const char* workload, double seconds) {
    std::printf("systemc %s events=%llu seconds=%.4f rate=%.6g\n", workload,
                static_cast<unsigned long long>(qdes::bench::kEvents), seconds, double(qdes::bench::kEvents) / seconds);
}

}  // namespace

int sc_main(int argc, char** argv) {
    std::string workload = argc > 1 ? argv[1] : "";
    // One SystemC simulation per process (SystemC cannot be reset), so each workload is its own invocation.
    if (workload == "ring") {
        std::vector<std::unique_ptr<RingNode>> nodes;
        for (int i = 0; i < qdes::bench::kRingNodes; ++i) {
            nodes.push_back(std::make_unique<RingNode>(("n" + std::to_string(i)).c_str()));
        }
        for (int i = 0; i < qdes::bench::kRingNodes; ++i)
            nodes[i]->next = nodes[(i + 1) % qdes::bench::kRingNodes].get();
        sc_start(SC_ZERO_TIME);  // elaborate and initialise outside the timed region
        nodes[0]->arrive.notify(1, SC_NS);
        auto t0 = std::chrono::steady_clock::now();
        sc_start();
        report("ring", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    } else if (workload == "jitter") {
        std::vector<std::unique_ptr<JitterNode>> nodes;
        for (int i = 0; i < qdes::bench::kJitterNodes; ++i) {
            std::string name = "j" + std::to_string(i);
            nodes.push_back(std::make_unique<JitterNode>(name.c_str(), qdes::stream_id(name, "delay")));
        }
        sc_start(SC_ZERO_TIME);
        auto t0 = std::chrono::steady_clock::now();
        sc_start();
        report("jitter", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    } else {
        std::fprintf(stderr, "usage: systemc_kernel_bench ring|jitter\n");
        return 2;
    }
    return 0;
}
