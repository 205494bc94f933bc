#include "protocols/lec/toom.h"

#include <bit>
#include <stdexcept>
#include <vector>

#include "models/quantum/bit_table.h"
#include "models/quantum/codes/css_code.h"
#include "models/quantum/fast_rng.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/program.h"

namespace qdes::lec {

void shots_over(const std::uint64_t* base, std::size_t stride, std::size_t rows, std::size_t words, std::uint64_t limit,
                std::uint64_t* out) {
    // Bit-sliced counters: plane k holds bit k of every shot's count.
    const std::size_t planes = std::size_t(std::bit_width(rows)) + 1;
    std::vector<std::uint64_t> count(planes * words, 0);
    for (std::size_t r = 0; r < rows; ++r) {
        const std::uint64_t* row = base + r * stride;
        for (std::size_t w = 0; w < words; ++w) {
            std::uint64_t carry = row[w];
            for (std::size_t k = 0; carry && k < planes; ++k) {
                std::uint64_t& plane = count[k * words + w];
                const std::uint64_t next = plane & carry;
                plane ^= carry;
                carry = next;
            }
        }
    }
    // count > limit, compared from the most significant plane down.
    for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t greater = 0, equal = ~std::uint64_t(0);
        for (std::size_t k = planes; k-- > 0;) {
            const std::uint64_t c = count[k * words + w];
            const std::uint64_t l = ((limit >> k) & 1) ? ~std::uint64_t(0) : 0;
            greater |= equal & c & ~l;
            equal &= ~(c ^ l);
        }
        out[w] = greater;
    }
}

namespace {

/// Records, for shots that failed this round and had not before, the failure round; returns whether any shot is
/// still alive.
bool record_failures(const std::vector<std::uint64_t>& over, std::vector<std::uint64_t>& alive, std::uint64_t round,
                     std::uint64_t first_shot, std::uint64_t shots, FailureTimes& out) {
    bool any_alive = false;
    for (std::size_t w = 0; w < alive.size(); ++w) {
        std::uint64_t newly = over[w] & alive[w];
        alive[w] &= ~newly;
        while (newly) {
            const unsigned s = unsigned(std::countr_zero(newly));
            newly &= newly - 1;
            const std::uint64_t shot = w * 64 + s;
            if (shot < shots) {
                out.times[first_shot + shot] = double(round);
                out.censored[first_shot + shot] = 0;
            }
        }
        any_alive = any_alive || alive[w];
    }
    return any_alive;
}

std::vector<std::uint64_t> live_mask(std::size_t words, std::uint64_t shots) {
    std::vector<std::uint64_t> alive(words, 0);
    for (std::uint64_t s = 0; s < shots; ++s) alive[s / 64] |= std::uint64_t(1) << (s % 64);
    return alive;
}

void check(const ToomOptions& o) {
    if (o.L < 2) throw std::invalid_argument("Toom's rule needs L >= 2");
    if (o.shots == 0) throw std::invalid_argument("a lifetime study needs at least one shot");
    if (o.max_rounds == 0) throw std::invalid_argument("a lifetime study needs at least one round");
}

}  // namespace

FailureTimes toom_circuit_lifetimes(const ToomOptions& o, const quantum::NoiseModel& noise) {
    check(o);
    // One round: the memory circuit's loop body, applied again and again to the same frames.
    quantum::Circuit full = quantum::toom_memory_circuit(o.L, 1, noise);
    quantum::Circuit round;
    round.source = full.source;
    round.blocks = {full.blocks[1]};
    const quantum::Program program = quantum::compile(round);
    const std::uint32_t N = o.L * o.L;
    FailureTimes out{std::vector<double>(o.shots, double(o.max_rounds)), std::vector<std::uint8_t>(o.shots, 1)};
    const std::size_t batch = std::min<std::uint64_t>(o.shots, quantum::default_batch_shots(program.num_qubits));
    quantum::FrameSimulator sim(program, batch, o.seed, o.stream);
    for (std::uint64_t first = 0; first < o.shots; first += batch) {
        const std::uint64_t n = std::min<std::uint64_t>(batch, o.shots - first);
        const std::size_t words = (n + 63) / 64;
        std::vector<std::uint64_t> alive = live_mask(words, n), over(words);
        sim.start();
        for (std::uint64_t r = 1; r <= o.max_rounds; ++r) {
            sim.run_again();
            // The reference never flips a data bit, so a data qubit's X frame is its value.
            shots_over(sim.x_frame().row(0), sim.x_frame().words(), N, words, N / 2, over.data());
            if (!record_failures(over, alive, r, first, n, out)) break;
        }
    }
    return out;
}

FailureTimes toom_automaton_lifetimes(const ToomOptions& o, double q) {
    check(o);
    if (!(q >= 0 && q <= 1)) throw std::invalid_argument("the flip probability q must be in [0, 1]");
    const std::uint32_t L = o.L, N = L * L;
    FailureTimes out{std::vector<double>(o.shots, double(o.max_rounds)), std::vector<std::uint8_t>(o.shots, 1)};
    const std::size_t batch = std::min<std::uint64_t>(o.shots, 16384);
    quantum::BitTable a(N, batch), b(N, batch);
    quantum::FastRng rng(RandomStream(o.seed, o.stream));
    const std::size_t W = a.words();
    for (std::uint64_t first = 0; first < o.shots; first += batch) {
        const std::uint64_t n = std::min<std::uint64_t>(batch, o.shots - first);
        const std::size_t words = (n + 63) / 64;
        std::vector<std::uint64_t> alive = live_mask(words, n), over(words);
        a.clear();
        for (std::uint64_t r = 1; r <= o.max_rounds; ++r) {
            for (std::uint32_t row = 0; row < L; ++row)
                for (std::uint32_t col = 0; col < L; ++col) {
                    const std::uint64_t* self = a.row(row * L + col);
                    const std::uint64_t* north = a.row(((row + L - 1) % L) * L + col);
                    const std::uint64_t* east = a.row(row * L + (col + 1) % L);
                    std::uint64_t* dst = b.row(row * L + col);
                    for (std::size_t w = 0; w < words; ++w)
                        dst[w] = (self[w] & north[w]) | (self[w] & east[w]) | (north[w] & east[w]);
                }
            std::swap(a, b);
            quantum::for_each_hit_2d(rng, q, N, words * 64, [&](std::uint64_t site, std::uint64_t s) {
                a.row(site)[s >> 6] ^= std::uint64_t(1) << (s & 63);
            });
            shots_over(a.row(0), W, N, words, N / 2, over.data());
            if (!record_failures(over, alive, r, first, n, out)) break;
        }
    }
    return out;
}

}  // namespace qdes::lec
