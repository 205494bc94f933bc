// Throughput of the frame simulator in gate applications x shots per second of CPU time (one core).
//
//   quantum_bench [SECONDS_PER_CASE]
//
// Cases: the Stim reference circuits (../shared/reference/stim, with their noise); a 2D toric code memory at L=16
// with 16 rounds and gate_depolarizing noise p=0.001; Toom's-rule LEC rounds on the 2D Ising memory at L=32 with
// gate_bitflip noise p=0.001; and, noiseless on the same L=32 layout, a CX-only circuit beside a CCX-only circuit,
// whose per-gate costs give the CCX/CX ratio within one invocation. A gate application is one gate, reset or
// measurement on one target, pair or group (noise channels are sampled but not counted), as
// Circuit::num_gate_applications counts them.

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "models/quantum/circuit.h"
#include "models/quantum/codes/css_code.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/program.h"

using namespace qdes::quantum;

namespace {

double cpu_seconds() {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Rate {
    double gate_shots_per_s;
    std::size_t batch;
};

/// Best of five timed stretches of at least `seconds / 5` each.
Rate measure(const Circuit& c, double seconds, std::size_t batch = 0) {
    Program p = compile(c);
    if (batch == 0) batch = default_batch_shots(p.num_qubits);
    FrameSimulator sim(p, batch, 1);
    sim.run();  // warm the caches and the page tables
    double best = 0;
    for (int rep = 0; rep < 5; ++rep) {
        double t0 = cpu_seconds(), t = t0;
        std::uint64_t runs = 0;
        while (t - t0 < seconds / 5) {
            sim.run();
            ++runs;
            t = cpu_seconds();
        }
        best = std::max(best, double(p.gate_applications) * double(sim.shots()) * double(runs) / (t - t0));
    }
    return {best, batch};
}

void row(const std::string& name, const Circuit& c, double seconds, double stim_rate) {
    Rate r = measure(c, seconds);
    std::printf("| %-44s | %5zu | %9.3g | %9.3g | %5.2fx |\n", name.c_str(), r.batch, r.gate_shots_per_s, stim_rate,
                r.gate_shots_per_s / stim_rate);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
    const std::filesystem::path ref = std::filesystem::path(QDES_SOURCE_DIR) / ".." / "shared" / "reference" / "stim";
    // Stim's frame simulator on this kind of machine (issue 3): about 7e9 on small circuits, 1.4e10 on large ones.
    const double stim_small = 7e9, stim_large = 1.4e10;

    std::printf("| circuit | batch | qdes gate x shots/s | Stim (issue 3) | qdes / Stim |\n|---|---|---|---|---|\n");
    for (const char* name : {"rep_d9_r100_p001", "surf_rot_x_d5_r5_p001", "surf_rot_z_d5_r5_p005"})
        row(name, read_circuit_file((ref / (std::string(name) + ".stim")).string()), seconds, stim_small);

    MemoryOptions toric;
    toric.rounds = 16;
    toric.noise = NoiseModel{NoiseModel::Kind::kGateDepolarizing, 0.001, -1, 0};
    row("toric2d L=16, 16 rounds, depolarizing 0.001", memory_circuit(toric2d_code(16), toric), seconds, stim_large);
    row("Toom LEC ising2d L=32, 16 rounds, bitflip 0.001",
        toom_memory_circuit(32, 16, NoiseModel{NoiseModel::Kind::kGateBitflip, 0.001, -1, 0}), seconds, stim_large);

    // CX layers against a CCX layer on the Toom layout, noiseless, each repeated so that set-up is negligible.
    const std::uint32_t L = 32, N = L * L;
    std::string cx_text = "R", ccx_text = "R";
    for (std::uint32_t q = 0; q < 3 * N; ++q) {
        cx_text += " " + std::to_string(q);
        ccx_text += " " + std::to_string(q);
    }
    cx_text += "\nREPEAT 64 {\n";
    ccx_text += "\nREPEAT 256 {\n";
    for (int layer = 0; layer < 4; ++layer) {
        cx_text += "CX";
        for (std::uint32_t s = 0; s < N; ++s) {
            std::uint32_t anc = N + (layer % 2) * N + s;
            std::uint32_t r = s / L, c = s % L;
            std::uint32_t data = layer < 2 ? s : (layer == 2 ? ((r + L - 1) % L) * L + c : r * L + (c + 1) % L);
            cx_text += " " + std::to_string(data) + " " + std::to_string(anc);
        }
        cx_text += "\nTICK\n";
    }
    ccx_text += "CCX";
    for (std::uint32_t s = 0; s < N; ++s)
        ccx_text += " " + std::to_string(N + s) + " " + std::to_string(2 * N + s) + " " + std::to_string(s);
    ccx_text += "\nTICK\n";
    cx_text += "}\n";
    ccx_text += "}\n";
    Circuit cx = parse_circuit(cx_text, "cx_layers"), ccx = parse_circuit(ccx_text, "ccx_layers");
    // Subtract the resets: time per gate of the loop body only.
    Rate cx_rate = measure(cx, seconds), ccx_rate = measure(ccx, seconds);
    double cx_gates = double(cx.num_gate_applications() - 3 * N), ccx_gates = double(ccx.num_gate_applications() - 3 * N);
    double cx_ns = double(cx.num_gate_applications()) / cx_rate.gate_shots_per_s * 1e9 / cx_gates;
    double ccx_ns = double(ccx.num_gate_applications()) / ccx_rate.gate_shots_per_s * 1e9 / ccx_gates;
    std::printf("\n| L=32 layout, noiseless | batch | ns per gate x shot | gate x shots/s |\n|---|---|---|---|\n");
    std::printf("| CX layers (4 x 1024 CX) | %zu | %.4f | %.3g |\n", cx_rate.batch, cx_ns, 1e9 / cx_ns);
    std::printf("| CCX layer (1024 CCX)     | %zu | %.4f | %.3g |\n", ccx_rate.batch, ccx_ns, 1e9 / ccx_ns);
    std::printf("\nCCX / CX cost per gate: %.2fx (target: at most 1.5x)\n", ccx_ns / cx_ns);
    return 0;
}
