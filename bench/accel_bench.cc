// Whole-network accelerator simulation time and memory: AlexNet on SCALE-Sim's scale.cfg (32 x 32 OS) in SCALE-Sim
// compatible mode and in the default (realistic) mode, and ResNet-18, MobileNet and yolo_tiny in the default mode.
// Each case builds the workload and accelerator components in a fresh Simulation and runs it to the end, as
// `qdes accel` does (reports not written). Prints the best of 20 runs of each, the folds simulated and the
// process's peak resident memory. The reference is SCALE-Sim v2's own run of the AlexNet case on this machine:
// 205 s of CPU and 1.9 GB (../shared/reference/scalesim/README.md).
//
// usage: accel_bench [SCALESIM_REFERENCE_DIR]   (default: ../shared/reference/scalesim beside the source tree)

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "hardware/accel/accelerator.h"
#include "hardware/accel/scalesim_config.h"
#include "protocols/inference/topology.h"
#include "protocols/inference/workload.h"
#include "sim/simulation.h"

using namespace qdes;

namespace {

struct Outcome {
    double seconds;
    std::uint64_t folds, cycles;
};

Outcome run_once(const std::vector<accel::GemmOp>& ops, const accel::AcceleratorSetup& setup) {
    const auto t0 = std::chrono::steady_clock::now();
    Simulation sim;
    const accel::Accelerator& acc = inference::add_network(sim, ops, setup);
    sim.run();
    sim.finish();
    Outcome o{std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 0, 0};
    for (const auto& s : acc.results()) o.folds += s.folds, o.cycles += s.total_cycles;
    for (const auto& s : acc.scalesim_results()) o.folds += s.folds, o.cycles += s.total_cycles;
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string ref = argc > 1 ? argv[1] : std::string(QDES_SOURCE_DIR) + "/../shared/reference/scalesim";
    const accel::ScaleSimConfig cfg = accel::read_scalesim_config(ref + "/configs_shipped/scale.cfg");
    struct Case {
        const char* name;
        const char* topology;
        bool compat;
    };
    const Case cases[] = {{"alexnet, scalesim-compatible", "alexnet.csv", true},
                          {"alexnet, realistic", "alexnet.csv", false},
                          {"resnet18, realistic", "Resnet18.csv", false},
                          {"mobilenet, realistic", "mobilenet.csv", false},
                          {"yolo_tiny, realistic", "yolo_tiny.csv", false}};
    std::printf("%-30s %12s %10s %12s %14s\n", "case (32x32 OS, scale.cfg)", "best s", "folds", "cycles",
                "vs SCALE-Sim");
    for (const Case& c : cases) {
        inference::LoweringOptions lowering;
        lowering.single_filter_is_depthwise = !c.compat;
        const auto ops = inference::lower(inference::read_topology_csv(ref + "/topologies/" + c.topology, false), lowering);
        accel::AcceleratorSetup setup;
        setup.mode = c.compat ? accel::AccelMode::kScaleSim : accel::AccelMode::kRealistic;
        setup.config = accel::accelerator_config_of(cfg);
        double best = 1e300;
        Outcome o{};
        for (int i = 0; i < 20; ++i) {
            o = run_once(ops, setup);
            best = std::min(best, o.seconds);
        }
        const bool alexnet = std::string(c.topology) == "alexnet.csv";
        std::printf("%-30s %12.3e %10llu %12llu %14s\n", c.name, best, (unsigned long long)o.folds,
                    (unsigned long long)o.cycles, alexnet ? (std::to_string(long(205.0 / best)) + "x").c_str() : "");
    }
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("peak resident memory of this process: %.1f MB\n", double(ru.ru_maxrss) / 1024.0);
    return 0;
}
