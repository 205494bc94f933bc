// Device timing: the Pauli-twirled idle channel against its formula, and the layout of a circuit in time with the
// idle noise each qubit picks up for the part of a layer it waits.
#include "hardware/quantum/device.h"

#include <gtest/gtest.h>

#include <cmath>

namespace qdes::hw {
namespace {

constexpr TimePs kNs = 1000, kUs = 1000 * kNs;

TEST(QuantumDevice, IdleChannelIsThePauliTwirlOfT1AndT2) {
    QuantumDevice d;
    d.t1_ps = 50 * kUs;
    d.t2_ps = 70 * kUs;
    const PauliProbabilities p = d.idle_error(10 * kUs);
    const double a = 1 - std::exp(-10.0 / 50), b = 1 - std::exp(-10.0 / 70);
    EXPECT_DOUBLE_EQ(p.x, a / 4);
    EXPECT_DOUBLE_EQ(p.y, a / 4);
    EXPECT_NEAR(p.z, b / 2 - a / 4, 1e-15);
    EXPECT_DOUBLE_EQ(d.idle_flip(10 * kUs), a / 2);
    // Pure amplitude damping (T2 = 2 T1) dephases only at second order: p_z = (1 - e^{-t/2T1})^2 / 4.
    d.t2_ps = 100 * kUs;
    const double h = 1 - std::exp(-10.0 / 100);
    EXPECT_NEAR(d.idle_error(10 * kUs).z, h * h / 4, 1e-15);
    // Without T1 and T2 nothing happens.
    EXPECT_EQ(QuantumDevice{}.idle_flip(kUs), 0.0);
}

TEST(QuantumDevice, RefusesT2BeyondTwiceT1) {
    QuantumDevice d;
    d.t1_ps = 10 * kUs;
    d.t2_ps = 21 * kUs;
    EXPECT_THROW(d.check(), std::invalid_argument);
    d.t2_ps = 20 * kUs;
    EXPECT_NO_THROW(d.check());
}

TEST(QuantumDevice, LayersLastAsLongAsTheirSlowestOperationAndIdlersPayForTheRest) {
    QuantumDevice d = example_device("willow_2024");
    // Layer 0: H on q0 (25 ns); q1, q2 idle 25 ns. Layer 1: CX q0 q1 (42 ns); q2 idles 42 ns. Layer 2: a wait of
    // 1 us that nothing uses (stretched), every qubit idles.
    const quantum::Circuit c = quantum::parse_circuit("H 0\nTICK\nCX 0 1\nTICK\nTICK\n");
    const TimedCircuit t = add_idle_noise(c, d, 3, {0, 0, kUs});
    ASSERT_EQ(t.layer_ps.size(), 3u);
    EXPECT_EQ(t.layer_ps[0], 25 * kNs);
    EXPECT_EQ(t.layer_ps[1], 42 * kNs);
    EXPECT_EQ(t.layer_ps[2], kUs);
    EXPECT_EQ(t.total_ps, 25 * kNs + 42 * kNs + kUs);
    std::vector<std::pair<double, std::vector<std::uint32_t>>> noise;
    for (const auto& in : t.circuit.top())
        if (in.gate == quantum::Gate::kXError) {
            std::vector<std::uint32_t> q;
            for (const auto& target : in.targets) q.push_back(target.value);
            noise.emplace_back(in.args[0], q);
        }
    ASSERT_EQ(noise.size(), 3u);
    EXPECT_DOUBLE_EQ(noise[0].first, d.idle_flip(25 * kNs));
    EXPECT_EQ(noise[0].second, (std::vector<std::uint32_t>{1, 2}));
    EXPECT_DOUBLE_EQ(noise[1].first, d.idle_flip(42 * kNs));
    EXPECT_EQ(noise[1].second, (std::vector<std::uint32_t>{2}));
    EXPECT_DOUBLE_EQ(noise[2].first, d.idle_flip(kUs));
    EXPECT_EQ(noise[2].second, (std::vector<std::uint32_t>{0, 1, 2}));
    // A measure-and-reset costs both.
    EXPECT_EQ(d.duration_of(quantum::Gate::kMR), d.measure_ps + d.reset_ps);
}

}  // namespace
}  // namespace qdes::hw
