// The PE-level SystemC systolic array (hardware/systemc/reference/) against the fast fold model
// (hardware/accel/systolic.h) on the same GEMMs, in the same invocation: wall time per GEMM (best of 3 passes, one
// core), the array cycles each simulates per second, and their ratio. Both must count the same cycles; the bench
// fails if they do not.
//
// usage: systolic_reference_bench

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "hardware/accel/dram.h"
#include "hardware/accel/systolic.h"
#include "hardware/systemc/reference/systolic_array.h"

using namespace qdes;

namespace {

double seconds_of(const auto& f) {
    double best = 1e300;
    for (int pass = 0; pass < 3; ++pass) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

}  // namespace

int main() {
    struct Case {
        accel::Dataflow d;
        std::uint32_t edge;
        std::uint64_t M, N, K;
    };
    const Case cases[] = {{accel::Dataflow::kOutputStationary, 8, 64, 64, 64},
                          {accel::Dataflow::kWeightStationary, 8, 64, 64, 64},
                          {accel::Dataflow::kInputStationary, 8, 64, 64, 64},
                          {accel::Dataflow::kOutputStationary, 16, 128, 128, 128},
                          {accel::Dataflow::kWeightStationary, 16, 128, 128, 128},
                          {accel::Dataflow::kInputStationary, 16, 128, 128, 128}};
    std::printf("%-4s %-7s %-13s %9s %12s %12s %14s %9s\n", "flow", "array", "M x N x K", "cycles", "SystemC ms",
                "fast us", "PE-cycles/s", "ratio");
    bool same = true;
    for (const Case& c : cases) {
        systemc::ReferenceGemm g;
        g.dataflow = c.d, g.rows = g.cols = c.edge, g.M = c.M, g.N = c.N, g.K = c.K;
        std::mt19937_64 rng(1);
        g.A.resize(c.M * c.K), g.B.resize(c.K * c.N);
        for (auto& x : g.A) x = std::int32_t(rng() % 255) - 127;
        for (auto& x : g.B) x = std::int32_t(rng() % 255) - 127;
        systemc::ReferenceResult ref;
        const double ref_s = seconds_of([&] { ref = systemc::ReferenceArray::run(g); });

        accel::AcceleratorConfig config;
        config.rows = config.cols = c.edge, config.dataflow = c.d, config.tiling = accel::Tiling::kScaleSim;
        accel::GemmOp op;
        op.name = "g", op.M = c.M, op.N = c.N, op.K = c.K;
        std::uint64_t fast_cycles = 0;
        const double fast_s = seconds_of([&] {
            accel::Dram dram(config.dram);
            accel::LayerRun run(config, op, dram, 0);
            while (!run.done()) run.step();
            fast_cycles = run.stats().compute_cycles;
        });
        same = same && fast_cycles == ref.cycles;
        char shape[32];
        std::snprintf(shape, sizeof shape, "%llux%llux%llu", (unsigned long long)c.M, (unsigned long long)c.N,
                      (unsigned long long)c.K);
        std::printf("%-4s %2ux%-4u %-13s %9llu %12.2f %12.2f %14.3g %9.0f%s\n", accel::dataflow_name(c.d), c.edge,
                    c.edge, shape, (unsigned long long)ref.cycles, ref_s * 1e3, fast_s * 1e6,
                    double(ref.pe_cycles) / ref_s, ref_s / fast_s, fast_cycles == ref.cycles ? "" : "  CYCLES DIFFER");
    }
    std::printf("ratio: the SystemC array's wall time over the fast model's for the same GEMM\n");
    return same ? 0 : 1;
}
