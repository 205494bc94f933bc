// The realistic systolic model against cases worked out by hand, on the small DRAM part of dram.test.cc (1 GHz,
// 32 B bursts of 2 ns on one channel, 2 banks of 1 KiB rows, tRCD = tCL = tRP = 10 ns, tRAS = 25 ns, no refresh)
// and a 1 GHz array, so that one cycle is one nanosecond.

#include "hardware/accel/systolic.h"

#include <gtest/gtest.h>

#include "hardware/accel/test_dram_part.h"

#include <cmath>

namespace qdes::accel {
namespace {

AcceleratorConfig array32(Dataflow d) {
    AcceleratorConfig c;
    c.rows = c.cols = 32;
    c.dataflow = d;
    c.clock_hz = 1e9;
    c.dram = test_dram_part();
    c.ifmap.bytes = c.filter.bytes = c.ofmap.bytes = 64 * 1024;
    return c;
}

LayerStats run(const AcceleratorConfig& c, const GemmOp& op) {
    Dram dram(c.dram);
    LayerRun r(c, op, dram, 0);
    while (!r.done()) r.step();
    return r.stats();
}

GemmOp gemm(std::uint64_t M, std::uint64_t N, std::uint64_t K) {
    GemmOp op;
    op.name = "g", op.M = M, op.N = N, op.K = K;
    return op;
}

TEST(Systolic, OneFoldWithKnownLoadsFillDrainAndStore) {
    // OS, M = N = K = 32, 8-bit: one fold. Loads: the inputs (1 KiB at 0: bank 0 row 0) stream in 20 + 2 x 32 =
    // 84 ns; the weights (1 KiB at 2^36: bank 0, another row) conflict: precharge at 74 (after the last input
    // column command), activate 84, data 104 .. 168. Fold: max(T, R) + R + C - 2 = 32 + 62 = 94 cycles, so the
    // array ends at 262. The 1 KiB of outputs (2^37: bank 0 again) precharge at 262, data 292 .. 356.
    const LayerStats s = run(array32(Dataflow::kOutputStationary), gemm(32, 32, 32));
    EXPECT_EQ(s.folds, 1u);
    EXPECT_EQ(s.first_load_cycles, 168u);
    EXPECT_EQ(s.compute_cycles, 94u);
    EXPECT_EQ(s.stall_total(), 0u);
    EXPECT_EQ(s.store_tail_cycles, 94u);
    EXPECT_EQ(s.total_cycles, 356u);
    EXPECT_EQ(s.dram_read_bytes[kIfmap], 1024u);
    EXPECT_EQ(s.dram_read_bytes[kFilter], 1024u);
    EXPECT_EQ(s.dram_write_bytes[kOfmap], 1024u);
    EXPECT_EQ(s.dram_row_misses, 3u);  // one activate per region
    EXPECT_EQ(s.macs, 32u * 32 * 32);
}

TEST(Systolic, OneFoldMatchesScaleSimsFoldFormula) {
    // ws and is: 2 R + C + T - 2 for a single fold; os: T + R + C - 2 (T >= R).
    for (Dataflow d : {Dataflow::kWeightStationary, Dataflow::kInputStationary}) {
        const LayerStats s = run(array32(d), gemm(32, 32, 32));
        EXPECT_EQ(s.compute_cycles, 2u * 32 + 32 + 32 - 2) << dataflow_name(d);
    }
    const LayerStats os = run(array32(Dataflow::kOutputStationary), gemm(20, 30, 100));
    EXPECT_EQ(os.compute_cycles, 100u + 32 + 32 - 2);
}

TEST(Systolic, OverlappedFoldsPayFillAndDrainOnce) {
    // OS, M = 32 x 8 (8 row folds), N = 32, K = 256, on HBM2 (256 B/ns, so a fold's 8 KiB input slice arrives in
    // well under its 256 cycles): after the first load the folds run back to back, 8 x 256 + 62 compute cycles,
    // no stalls.
    AcceleratorConfig c = array32(Dataflow::kOutputStationary);
    c.dram = dram_preset("hbm2");
    const LayerStats s = run(c, gemm(256, 32, 256));
    EXPECT_EQ(s.folds, 8u);
    EXPECT_EQ(s.compute_cycles, 8u * 256 + 62);
    EXPECT_EQ(s.stall_total(), 0u);
    EXPECT_EQ(s.dram_read_bytes[kIfmap], 256u * 256);  // each input slice fetched once
    EXPECT_EQ(s.dram_read_bytes[kFilter], 256u * 32);
}

TEST(Systolic, BandwidthBoundLayerStallsForBytesOverBandwidth) {
    // OS, 64 row folds of K = 1024: each fold's 32 KiB input slice exceeds half the 32 KiB input buffer, so it is
    // fetched per fold while the fold computes for 1024 cycles; the bus moves 16 B/ns, so each slice needs 2048 ns.
    // The layer is bound by bytes / bandwidth: total within 1% of (all DRAM bytes) / 16 B/ns, and the input stalls
    // are that minus the compute and the first load.
    AcceleratorConfig c = array32(Dataflow::kOutputStationary);
    c.ifmap.bytes = 32 * 1024;
    const LayerStats s = run(c, gemm(32 * 64, 32, 1024));
    const double bytes = double(s.dram_read_bytes[kIfmap] + s.dram_read_bytes[kFilter] + s.dram_write_bytes[kOfmap]);
    EXPECT_EQ(s.dram_read_bytes[kIfmap], 64u * 32 * 1024);
    const double bound_ns = bytes / 16.0;
    EXPECT_NEAR(double(s.total_cycles), bound_ns, 0.01 * bound_ns);
    const double expected_stall = double(s.total_cycles) - double(s.compute_cycles) - double(s.first_load_cycles) -
                                  double(s.store_tail_cycles);
    EXPECT_EQ(double(s.stall_total()), expected_stall);
    EXPECT_GT(double(s.stall_cycles[kStallIfmap]), 0.95 * (bound_ns - double(s.compute_cycles)));
    EXPECT_EQ(s.stall_cycles[kStallFilter], 0u);
}

TEST(Systolic, PrecisionScalesTrafficAndBitSerialTime) {
    AcceleratorConfig c = array32(Dataflow::kWeightStationary);
    GemmOp op = gemm(64, 32, 32);
    op.precision = {4, 4, 8};
    const LayerStats narrow = run(c, op);
    EXPECT_EQ(narrow.dram_read_bytes[kFilter], 32u * 32 / 2);  // 4-bit weights: half a byte each
    EXPECT_EQ(narrow.dram_read_bytes[kIfmap], 64u * 32 / 2);
    c.mac = MacKind::kBitSerial;
    const LayerStats serial = run(c, op);
    EXPECT_EQ(serial.compute_cycles, 32u + 4 * 64 + 62);  // load + T x 4 weight bits + fill/drain
    c.mac = MacKind::kBitFused;
    const LayerStats fused = run(c, op);
    // 4 x 4 bits on an 8-bit unit: 4 MACs per cycle, so T' = 16; one fold, so no next load to wait for.
    EXPECT_EQ(fused.compute_cycles, 32u + 16 + 62);
    EXPECT_DOUBLE_EQ(mac_cycles(MacKind::kBitFused, 8, {16, 16, 32}), 4.0);
    EXPECT_DOUBLE_EQ(mac_cycles(MacKind::kFixed, 8, {16, 8, 32}), 2.0);
}

TEST(Systolic, SparsityShrinksKAndCountsMetadata) {
    GemmOp op = gemm(64, 32, 64);
    op.sparsity.kind = Sparsity::Kind::kNM, op.sparsity.n = 2, op.sparsity.m = 4;
    const OperandBytes nm = operand_bytes(op);
    EXPECT_EQ(op.effective_k(), 32u);
    EXPECT_EQ(nm.filter_metadata, 32u * 32 * 2 / 8);  // 2 index bits per kept weight
    EXPECT_EQ(nm.filter, 32u * 32 + 32 * 32 * 2 / 8);
    const LayerStats s = run(array32(Dataflow::kOutputStationary), op);
    EXPECT_EQ(s.compute_cycles, 32u * 2 + 62);  // 2 row folds streaming K' = 32
    EXPECT_EQ(s.macs, 64u * 32 * 32);
    op.sparsity = {};
    op.sparsity.kind = Sparsity::Kind::kUnstructured, op.sparsity.density = 0.25;
    const OperandBytes bitmap = operand_bytes(op);
    EXPECT_EQ(bitmap.filter_metadata, 64u * 32 / 8);
    EXPECT_EQ(bitmap.filter, 64u * 32 / 4 + 64 * 32 / 8);
    op.sparsity.format = Sparsity::Format::kCsr;
    const OperandBytes csr = operand_bytes(op);
    EXPECT_EQ(csr.filter_metadata, 512u * 6 / 8 + 33 * 4);  // 6-bit row index per nonzero, 33 column pointers
}

TEST(Systolic, EnergyFromTheTable) {
    const AcceleratorConfig c = array32(Dataflow::kOutputStationary);
    const LayerStats s = run(c, gemm(32, 32, 32));
    EXPECT_DOUBLE_EQ(s.energy.mac_pj, 32768 * 0.315);
    EXPECT_DOUBLE_EQ(s.energy.dram_pj, 3072.0 * 8 * c.dram.energy_pj_per_bit);
    // A 64-bit read of a 128 KiB bank is 32.4 pJ; a 16 KiB bank reads at sqrt(1/8) of that.
    EXPECT_NEAR(c.energy.sram_read_pj(131072, 64), 32.4, 1e-12);
    EXPECT_NEAR(c.energy.sram_read_pj(16384, 64), 32.4 / std::sqrt(8.0), 1e-12);
}

TEST(Systolic, NarrowSramBanksSlowTheStream) {
    // WS, one fold of T = M = 64: the 32 columns emit 32 8-bit outputs per cycle (256 bits). Two 64-bit output
    // banks give 128 bits per cycle, so the stream takes twice as long: 32 + 2 x 64 + 62 cycles.
    AcceleratorConfig c = array32(Dataflow::kWeightStationary);
    c.ofmap.banks = 2;
    const LayerStats s = run(c, gemm(64, 32, 32));
    EXPECT_EQ(s.compute_cycles, 32u + 2 * 64 + 62);
    EXPECT_EQ(s.sram_bandwidth_cycles, 64u);
}

TEST(Systolic, AutoTilingCutsTheStreamSoPartialSumsStayInSram) {
    // WS, M = T = 1024, N = 32, K = 64 (2 row folds), 8-bit, 64 KiB buffers. The partial sums of T whole are
    // 1024 x 32 x 4 B = 128 KiB, more than the 32 KiB half of the output buffer: SCALE-Sim's order spills them
    // after the first K fold and reads them back (128 KiB each way). Auto tiling cuts T into chunks of
    // 32 KiB / (32 x 4 B) = 256, whose partial sums stay: 4 chunks x 2 row folds = 8 folds of 256 cycles, the same
    // compute cycles, and DRAM carries only the inputs (64 KiB, each 8 KiB slice once), the weights (2 KiB) and
    // the outputs (32 KiB).
    AcceleratorConfig c = array32(Dataflow::kWeightStationary);
    c.tiling = Tiling::kScaleSim;
    const LayerStats spill = run(c, gemm(1024, 32, 64));
    EXPECT_EQ(spill.folds, 2u);
    EXPECT_EQ(spill.dram_read_bytes[kOfmap], 128u * 1024);
    EXPECT_EQ(spill.dram_write_bytes[kOfmap], 160u * 1024);
    c.tiling = Tiling::kAuto;
    const LayerStats tiled = run(c, gemm(1024, 32, 64));
    EXPECT_EQ(tiled.nest.t_chunks, 4u);
    EXPECT_EQ(tiled.nest.chunk, 256u);
    EXPECT_EQ(tiled.folds, 8u);
    EXPECT_EQ(tiled.compute_cycles, 32u + 8 * 256 + 62);
    EXPECT_EQ(tiled.compute_cycles, spill.compute_cycles);
    EXPECT_EQ(tiled.dram_read_bytes[kIfmap], 64u * 1024);
    EXPECT_EQ(tiled.dram_read_bytes[kFilter], 2u * 1024);
    EXPECT_EQ(tiled.dram_read_bytes[kOfmap], 0u);
    EXPECT_EQ(tiled.dram_write_bytes[kOfmap], 32u * 1024);
    EXPECT_EQ(tiled.stall_cycles[kStallPsum], 0u);
    EXPECT_EQ(planned_dram_bytes(c, gemm(1024, 32, 64), tiled.nest), 66u * 1024);
}

TEST(Systolic, AutoTilingPicksTheLoopOrderThatKeepsInputs) {
    // OS, M = 2048 (64 row folds), N = 64 (2 column folds), K = 64. The inputs (128 KiB) do not fit in half their
    // 64 KiB buffer; each row fold's 2 KiB slice is used by both column folds. SCALE-Sim's order (columns outer)
    // cycles through all 64 slices twice, and a 32 KiB half holding the most recent 16 cannot keep them: 256 KiB
    // read. Rows outer uses each slice twice in a row: 128 KiB. The 4 KiB of weights fit, read once either way.
    AcceleratorConfig c = array32(Dataflow::kOutputStationary);
    c.tiling = Tiling::kScaleSim;
    const LayerStats columns_outer = run(c, gemm(2048, 64, 64));
    EXPECT_EQ(columns_outer.dram_read_bytes[kIfmap], 256u * 1024);
    c.tiling = Tiling::kAuto;
    const LayerStats rows_outer = run(c, gemm(2048, 64, 64));
    EXPECT_TRUE(rows_outer.nest.swapped);
    EXPECT_EQ(rows_outer.nest.order(c.dataflow), "fr fc");
    EXPECT_EQ(rows_outer.dram_read_bytes[kIfmap], 128u * 1024);
    EXPECT_EQ(rows_outer.dram_read_bytes[kFilter], 4u * 1024);
    EXPECT_EQ(rows_outer.compute_cycles, columns_outer.compute_cycles);
}

TEST(Systolic, AutoTilingBlocksColumnFoldsSoAnInputSliceServesSeveral) {
    // WS, M = T = 64, N = 256 (8 column folds), K = 128 (4 row folds), 8-bit, a 4 KiB input buffer (2 KiB
    // halves). The 8 KiB of inputs do not fit; SCALE-Sim's order runs the 4 row folds (2 KiB input slices) once per
    // column fold, and the half buffer keeps only the last: 8 x 8 KiB read. Cutting T alone does not help (4 slices
    // of 1 KiB per chunk, still cycled per column fold). A column fold's partial sums for a 32-long chunk are
    // 32 x 32 x 4 B = 4 KiB, so the 32 KiB output half holds all 8 column folds: chunks of 32, one block of 8
    // column folds inside them, row folds outside the block, and each 1 KiB input slice is read once.
    AcceleratorConfig c = array32(Dataflow::kWeightStationary);
    c.ifmap.bytes = 4 * 1024;
    c.tiling = Tiling::kScaleSim;
    const LayerStats plain = run(c, gemm(64, 256, 128));
    EXPECT_EQ(plain.dram_read_bytes[kIfmap], 64u * 1024);
    c.tiling = Tiling::kAuto;
    const LayerStats blocked = run(c, gemm(64, 256, 128));
    EXPECT_EQ(blocked.nest.chunk, 32u);
    EXPECT_EQ(blocked.nest.col_block, 8u);
    EXPECT_EQ(blocked.nest.order(c.dataflow), "tc fb fr fc (fb: 8 fc)");
    EXPECT_EQ(blocked.dram_read_bytes[kIfmap], 8u * 1024);
    EXPECT_EQ(blocked.dram_read_bytes[kFilter], 32u * 1024);  // fits its half: once
    EXPECT_EQ(blocked.dram_read_bytes[kOfmap], 0u);
    EXPECT_EQ(blocked.compute_cycles, plain.compute_cycles);  // 32 + 64 folds x 32 + 62 = 32 + 32 x 64 + 62
    EXPECT_EQ(blocked.compute_cycles, 32u + 64 * 32 + 62);
}

TEST(Systolic, BuffersTooSmallForOneFoldAreRejected) {
    AcceleratorConfig c = array32(Dataflow::kWeightStationary);
    c.filter.bytes = 1024;  // halves of 512 B; a 32 x 32 8-bit weight tile is 1 KiB
    GemmOp op = gemm(32, 32, 32);
    op.source = "net.csv:4";
    try {
        check_buffers(c, op);
        ADD_FAILURE();
    } catch (const AccelInputError& e) {
        EXPECT_STREQ(e.what(), "net.csv:4: layer \"g\": the filter buffer (1024 B, so 512 B per half) cannot hold one "
                               "fold's stationary weight tile (1024 B)");
    }
}

}  // namespace
}  // namespace qdes::accel
