// The PE-level SystemC array against the fast fold model (hardware/accel/systolic.h), the closed form of its
// schedule, and the GEMM itself.

#include "hardware/systemc/reference/systolic_array.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>

#include "hardware/accel/dram.h"
#include "hardware/accel/systolic.h"

namespace qdes::systemc {
namespace {

using accel::Dataflow;

constexpr Dataflow kAll[] = {Dataflow::kOutputStationary, Dataflow::kWeightStationary, Dataflow::kInputStationary};

ReferenceGemm gemm(Dataflow d, std::uint32_t rows, std::uint32_t cols, std::uint64_t M, std::uint64_t N,
                   std::uint64_t K, std::uint64_t seed) {
    ReferenceGemm g;
    g.dataflow = d, g.rows = rows, g.cols = cols, g.M = M, g.N = N, g.K = K;
    std::mt19937_64 rng(seed);
    g.A.resize(M * K), g.B.resize(K * N);
    for (auto& x : g.A) x = std::int32_t(rng() % 255) - 127;
    for (auto& x : g.B) x = std::int32_t(rng() % 255) - 127;
    return g;
}

std::vector<std::int64_t> product(const ReferenceGemm& g) {
    std::vector<std::int64_t> C(g.M * g.N, 0);
    for (std::uint64_t m = 0; m < g.M; ++m)
        for (std::uint64_t k = 0; k < g.K; ++k)
            for (std::uint64_t n = 0; n < g.N; ++n) C[m * g.N + n] += std::int64_t(g.A[m * g.K + k]) * g.B[k * g.N + n];
    return C;
}

/// The fast model's compute cycles for the same GEMM, on an array with ample buffers and SCALE-Sim's loop order.
std::uint64_t fast_compute_cycles(const ReferenceGemm& g) {
    accel::AcceleratorConfig c;
    c.rows = g.rows, c.cols = g.cols, c.dataflow = g.dataflow;
    c.tiling = accel::Tiling::kScaleSim;
    accel::GemmOp op;
    op.name = "g", op.M = g.M, op.N = g.N, op.K = g.K;
    accel::Dram dram(c.dram);
    accel::LayerRun run(c, op, dram, 0);
    while (!run.done()) run.step();
    return run.stats().compute_cycles;
}

/// The schedule in closed form (systolic_array.h): every fold but the last max(T, R), the last T, the fill and
/// drain R + C - 2 once, and for ws and is the first R-cycle load.
std::uint64_t closed_form(const ReferenceGemm& g) {
    const bool os = g.dataflow == Dataflow::kOutputStationary;
    const std::uint64_t T = os ? g.K : g.dataflow == Dataflow::kWeightStationary ? g.M : g.N;
    const std::uint64_t Sr = os ? g.M : g.K, Sc = os || g.dataflow == Dataflow::kWeightStationary ? g.N : g.M;
    const std::uint64_t folds = ((Sr + g.rows - 1) / g.rows) * ((Sc + g.cols - 1) / g.cols);
    return (folds - 1) * std::max<std::uint64_t>(T, g.rows) + T + g.rows + g.cols - 2 + (os ? 0 : g.rows);
}

void expect_agrees(const ReferenceGemm& g) {
    SCOPED_TRACE(std::string(accel::dataflow_name(g.dataflow)) + " " + std::to_string(g.rows) + "x" +
                 std::to_string(g.cols) + " array, M N K = " + std::to_string(g.M) + " " + std::to_string(g.N) + " " +
                 std::to_string(g.K));
    const ReferenceResult r = ReferenceArray::run(g);
    EXPECT_EQ(r.C, product(g));
    EXPECT_EQ(r.macs, g.M * g.N * g.K);
    EXPECT_EQ(r.cycles, fast_compute_cycles(g));
    EXPECT_EQ(r.cycles, closed_form(g));
}

TEST(ReferenceArray, OneFoldTakesScaleSimsCycles) {
    // One fold: os T + R + C - 2, ws and is 2R + C + T - 2, with T both above and below R.
    for (Dataflow d : kAll) {
        ReferenceGemm g = gemm(d, 4, 4, 4, 4, 4, 1);
        EXPECT_EQ(ReferenceArray::run(g).cycles, d == Dataflow::kOutputStationary ? 4u + 4 + 4 - 2 : 8u + 4 + 4 - 2)
            << accel::dataflow_name(d);
    }
    EXPECT_EQ(ReferenceArray::run(gemm(Dataflow::kOutputStationary, 8, 8, 8, 8, 3, 2)).cycles, 3u + 8 + 8 - 2);
    EXPECT_EQ(ReferenceArray::run(gemm(Dataflow::kWeightStationary, 8, 8, 3, 8, 8, 3)).cycles, 16u + 8 + 3 - 2);
    EXPECT_EQ(ReferenceArray::run(gemm(Dataflow::kInputStationary, 1, 1, 1, 1, 1, 4)).cycles, 2u + 1 + 1 - 2);
}

TEST(ReferenceArray, SmallGemmsTakeTheFastModelsCyclesAndComputeTheProduct) {
    // Single folds, row and column folds with partial edges, the K reduction over row folds (ws, is), streams
    // shorter and longer than the array, square and oblong arrays up to 16 x 16.
    struct Case {
        std::uint32_t rows, cols;
        std::uint64_t M, N, K;
    };
    const Case cases[] = {{1, 1, 3, 2, 5},   {2, 3, 5, 7, 4},    {4, 4, 4, 4, 4},    {4, 4, 9, 6, 11},
                          {8, 4, 3, 13, 17}, {4, 8, 20, 5, 2},   {8, 8, 16, 16, 16}, {16, 16, 16, 16, 16},
                          {16, 16, 40, 24, 33}, {16, 8, 7, 30, 50}, {3, 16, 33, 2, 9}};
    std::uint64_t seed = 10;
    for (const Case& c : cases)
        for (Dataflow d : kAll) expect_agrees(gemm(d, c.rows, c.cols, c.M, c.N, c.K, ++seed));
}

TEST(ReferenceArray, RandomGemmsAgreeWithTheFastModel) {
    std::mt19937_64 rng(2026);
    for (int i = 0; i < 30; ++i) {
        const auto pick = [&](std::uint64_t lo, std::uint64_t hi) { return lo + rng() % (hi - lo + 1); };
        const Dataflow d = kAll[i % 3];
        expect_agrees(gemm(d, std::uint32_t(pick(1, 16)), std::uint32_t(pick(1, 16)), pick(1, 40), pick(1, 40),
                           pick(1, 40), rng()));
    }
}

TEST(ReferenceArray, AScheduleOneCycleTighterIsAHazard) {
    // The sequencer's max(T, R) is the fastest the PEs allow: with T < R, one cycle less between folds and the next
    // fold's stationary operand (ws, is) or the previous fold's undrained result (os) is still in the way.
    const std::pair<Dataflow, const char*> expected[] = {
        {Dataflow::kOutputStationary, "result still waits to drain"},
        {Dataflow::kWeightStationary, "has not arrived when its stream does"},
        {Dataflow::kInputStationary, "has not arrived when its stream does"}};
    for (const auto& [d, what] : expected) {
        // 2 x 2 folds of 8 x 8 streaming T = 4, so that R = 8 binds.
        ReferenceGemm g = gemm(d, 8, 8, d == Dataflow::kWeightStationary ? 4 : 16,
                               d == Dataflow::kInputStationary ? 4 : 16, d == Dataflow::kOutputStationary ? 4 : 16, 8);
        g.interval = 7;
        try {
            ReferenceArray::run(g);
            ADD_FAILURE() << accel::dataflow_name(d) << ": no hazard at an interval of 7";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
        }
        g.interval = 8;  // and at max(T, R) it runs, right
        EXPECT_EQ(ReferenceArray::run(g).C, product(g)) << accel::dataflow_name(d);
    }
}

TEST(ReferenceArray, RefusesBadRequests) {
    ReferenceGemm g = gemm(Dataflow::kOutputStationary, 17, 4, 2, 2, 2, 1);
    EXPECT_THROW(ReferenceArray::run(g), std::invalid_argument);
    g = gemm(Dataflow::kOutputStationary, 4, 4, 2, 2, 2, 1);
    g.A.pop_back();
    EXPECT_THROW(ReferenceArray::run(g), std::invalid_argument);
    g = gemm(Dataflow::kOutputStationary, 4, 4, 2, 2, 8, 1);
    g.interval = 7;  // shorter than the stream
    EXPECT_THROW(ReferenceArray::run(g), std::invalid_argument);
}

}  // namespace
}  // namespace qdes::systemc
