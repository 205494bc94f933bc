// Site-rounds per CPU second for Toom's rule on the 2D Ising memory at L = 32 (issue 4's benchmark):
//
//   lec_bench [ROUNDS] [SHOTS]
//
// Three ways in one invocation: the LEC circuit through the batched frame simulator (protocols/lec/toom.h), the
// cellular automaton (bit-parallel), and, as the reference, a naive one-shot byte-per-bit loop over the same
// circuit with the same gate_bitflip noise (a Bernoulli draw per touched qubit per gate).

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "models/quantum/fast_rng.h"
#include "protocols/lec/toom.h"

using namespace qdes;

namespace {

double cpu_seconds() {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double site_rounds(const FailureTimes& f, std::uint32_t L) {
    double r = 0;
    for (double t : f.times) r += t;
    return r * L * L;
}

/// One shot at a time, one byte per qubit: the loop a first implementation would write.
double naive_rate(std::uint32_t L, double p, std::uint64_t rounds, std::uint64_t shots) {
    const std::uint32_t N = L * L;
    quantum::FastRng rng(RandomStream(1, 2));
    const std::uint64_t threshold = std::uint64_t(p * 18446744073709551616.0);
    auto noisy = [&](std::uint8_t& bit) { bit ^= std::uint8_t(rng.next_u64() < threshold); };
    std::vector<std::uint8_t> spin(N), an(N), ae(N);
    double t0 = cpu_seconds();
    std::uint64_t done = 0;
    for (std::uint64_t s = 0; s < shots; ++s) {
        std::fill(spin.begin(), spin.end(), 0);
        for (std::uint64_t r = 0; r < rounds; ++r) {
            for (std::uint32_t i = 0; i < N; ++i) {
                an[i] = 0;
                ae[i] = 0;
                noisy(an[i]);
                noisy(ae[i]);
            }
            for (int layer = 0; layer < 4; ++layer)
                for (std::uint32_t i = 0; i < N; ++i) {
                    std::uint32_t row = i / L, col = i % L;
                    // The built-in circuit's order: self -> north ancilla, north -> north ancilla, self -> east
                    // ancilla, east -> east ancilla.
                    std::uint32_t src = layer % 2 == 0 ? i : (layer == 1 ? ((row + L - 1) % L) * L + col : row * L + (col + 1) % L);
                    std::uint8_t& dst = layer < 2 ? an[i] : ae[i];
                    dst ^= spin[src];
                    noisy(spin[src]);
                    noisy(dst);
                }
            for (std::uint32_t i = 0; i < N; ++i) {
                spin[i] ^= an[i] & ae[i];
                noisy(an[i]);
                noisy(ae[i]);
                noisy(spin[i]);
            }
            ++done;
        }
    }
    return double(done) * N / (cpu_seconds() - t0);
}

}  // namespace

int main(int argc, char** argv) {
    const std::uint64_t rounds = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200;
    const std::uint64_t shots = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 4096;
    const std::uint32_t L = 32;
    const double p = 0.01;
    lec::LecOptions o;
    o.L = L;
    o.max_rounds = rounds;
    o.shots = shots;
    double t0 = cpu_seconds();
    FailureTimes c = lec::toom_circuit_lifetimes(o, quantum::NoiseModel{quantum::NoiseModel::Kind::kGateBitflip, p, -1, 0});
    const double circuit = site_rounds(c, L) / (cpu_seconds() - t0);
    t0 = cpu_seconds();
    FailureTimes a = lec::toom_automaton_lifetimes(o, p);
    const double automaton = site_rounds(a, L) / (cpu_seconds() - t0);
    const double naive = naive_rate(L, p, 20, 4);
    std::printf("Toom's rule, ising2d L=%u, p=%g, %llu rounds x %llu shots (site-rounds per CPU second)\n", L, p,
                (unsigned long long)rounds, (unsigned long long)shots);
    std::printf("| method | site-rounds/s | vs naive |\n|---|---|---|\n");
    std::printf("| LEC circuit, batched frame simulator | %.3g | %.1fx |\n", circuit, circuit / naive);
    std::printf("| cellular automaton, bit-parallel | %.3g | %.1fx |\n", automaton, automaton / naive);
    std::printf("| naive LEC circuit, one shot, byte per bit | %.3g | 1.0x |\n", naive);
    std::printf("\ntarget for the circuit: at least 5e8 site-rounds/s\n");
    return 0;
}
