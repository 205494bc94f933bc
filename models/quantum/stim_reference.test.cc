// The sampler against Stim: every detector and observable fraction of the reference circuits in
// ../shared/reference/stim (each measured by Stim over 10^6 shots) within 5 standard errors, and the mean number of
// detection events per shot within 1%.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "models/quantum/circuit.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/program.h"
#include "tests/support/test_util.h"

namespace qdes::quantum {
namespace {

struct Reference {
    std::vector<double> fractions;  // detectors, then observables
    double stim_shots = 0;
    double mean_events = 0;
};

std::filesystem::path reference_dir() { return testing::source_dir() / ".." / "shared" / "reference" / "stim"; }

Reference read_reference(const std::string& name) {
    std::ifstream f(reference_dir() / (name + ".detector_fractions.csv"));
    EXPECT_TRUE(f) << "missing reference " << name;
    Reference r;
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("# column", 0) == 0) {
            auto pos = line.find("shots=");
            r.stim_shots = std::stod(line.substr(pos + 6));
        } else if (line.rfind("# mean_detection_events_per_shot,", 0) == 0) {
            r.mean_events = std::stod(line.substr(line.find(',') + 1));
        } else if (!line.empty() && line[0] != '#') {
            r.fractions.push_back(std::stod(line.substr(line.find(',') + 1)));
        }
    }
    return r;
}

class StimReference : public ::testing::TestWithParam<std::string> {};

TEST_P(StimReference, DetectorAndObservableFractionsMatchStim) {
    const std::string name = GetParam();
    Reference ref = read_reference(name);
    Circuit c = read_circuit_file((reference_dir() / (name + ".stim")).string());
    Program p = compile(c);
    ASSERT_EQ(ref.fractions.size(), p.num_detectors + p.num_observables);

    constexpr std::size_t kShotsPerBatch = 8192, kBatches = 16;  // 131072 shots
    FrameSimulator sim(p, kShotsPerBatch, /*seed=*/20261122, /*stream=*/1);
    std::vector<double> fired(ref.fractions.size(), 0);
    for (std::size_t b = 0; b < kBatches; ++b) {
        sim.run();
        for (std::size_t d = 0; d < p.num_detectors; ++d)
            for (std::size_t w = 0; w < kShotsPerBatch / 64; ++w) fired[d] += __builtin_popcountll(sim.detectors().row(d)[w]);
        for (std::size_t o = 0; o < p.num_observables; ++o)
            for (std::size_t w = 0; w < kShotsPerBatch / 64; ++w)
                fired[p.num_detectors + o] += __builtin_popcountll(sim.observables().row(o)[w]);
    }
    const double n = double(kShotsPerBatch * kBatches);
    double mean_events = 0;
    for (std::size_t i = 0; i < fired.size(); ++i) {
        double ours = fired[i] / n, theirs = ref.fractions[i];
        // Standard error of the difference of two independent binomial fractions.
        double pooled = std::max((fired[i] + theirs * ref.stim_shots) / (n + ref.stim_shots), 1.0 / n);
        double se = std::sqrt(pooled * (1 - pooled) * (1 / n + 1 / ref.stim_shots));
        EXPECT_LE(std::abs(ours - theirs), 5 * se)
            << name << " column " << i << ": qdes " << ours << " vs Stim " << theirs << " (5 SE = " << 5 * se << ")";
        if (i < p.num_detectors) mean_events += ours;
    }
    EXPECT_NEAR(mean_events, ref.mean_events, 0.01 * ref.mean_events) << name;
    std::printf("%s: mean detection events per shot %.5f (Stim %.5f), %zu columns\n", name.c_str(), mean_events,
                ref.mean_events, fired.size());
}

INSTANTIATE_TEST_SUITE_P(Circuits, StimReference,
                         ::testing::Values("rep_d9_r100_p001", "surf_rot_x_d5_r5_p001", "surf_rot_z_d5_r5_p005"));

}  // namespace
}  // namespace qdes::quantum
