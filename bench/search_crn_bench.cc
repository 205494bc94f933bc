// How much common random numbers cut the noise of a comparison between two LEC rules in the circuit search.
//
// For each pair of rules (A, B) and each of K seeds s, the search's objective (log tau at L = 4, p = 0.01, 512
// shots, cap 5000 rounds) is taken for A and B on the same seed, and for B on an unrelated seed. The variance of
// J_A(s) - J_B(s) over the variance of J_A(s) - J_B(s') says what sharing the random numbers saves: 1 is nothing,
// 0 everything. Done with one generator stream per run (the frame simulator's default) and with layer-aligned
// noise (what the search uses). Under no effect the ratio of two sample variances of 40 values each lies in about
// [0.53, 1.9] (95%, F distribution with 39 and 39 degrees of freedom).
//
// usage: search_crn_bench [K]   (from the repository root; rule files from scenarios/lec/rules and below)

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "protocols/search/objective.h"

using namespace qdes;

namespace {

lec::LecRule rule(const char* text) {
    return lec::parse_lec_rule(text, "bench");
}

}  // namespace

int main(int argc, char** argv) {
    const int K = argc > 1 ? std::atoi(argv[1]) : 40;
    const char* toom =
        "name: toom\nancillas:\n  north: {parity: [[0, 0], [-1, 0]]}\n  east: {parity: [[0, 0], [0, 1]]}\n"
        "corrections:\n  - {if: [north, east], flip: [0, 0]}\n";
    const char* turned =
        "name: turned\nancillas:\n  east: {parity: [[0, 0], [0, 1]]}\n  south: {parity: [[0, 0], [1, 0]]}\n"
        "corrections:\n  - {if: [east, south], flip: [0, 0]}\n";
    const char* plus =
        "name: plus\nancillas:\n  north: {parity: [[0, 0], [-1, 0]]}\n  east: {parity: [[0, 0], [0, 1]]}\n"
        "corrections:\n  - {if: [north, east], flip: [0, 0]}\n"
        "  - {if: [north, \"east(0, -1)\", \"!east\"], flip: [0, 0]}\n";
    const char* hierarchical =
        "name: hierarchical\nancillas:\n  north: {parity: [[0, 0], [-1, 0]]}\n  east: {parity: [[0, 0], [0, 1]]}\n"
        "  both: {and: [north, east]}\n  pair: {and: [north, \"!east\", \"both(0, 1)\"]}\n"
        "corrections:\n  - {if: [north, east], flip: [0, 0]}\n  - {if: [pair], flip: [0, 0]}\n";
    struct Pair {
        const char* name;
        const char* b;
    } pairs[] = {{"Toom vs Toom with a hierarchical correction (shares 5 layers)", hierarchical},
                 {"Toom vs Toom with a second correction (shares all 6 of its layers)", plus},
                 {"Toom vs Toom turned a quarter (shares no layer)", turned}};
    std::printf("%d seeds; variance of J_A - J_B on common seeds over that on unrelated seeds\n\n", K);
    std::printf("%-70s %12s %14s\n", "pair", "one stream", "layer-aligned");
    for (const Pair& pr : pairs) {
        std::printf("%-70s", pr.name);
        for (bool aligned : {false, true}) {
            search::EvalSpec e;
            e.shots = 512;
            e.max_rounds = 5000;
            e.common_random_numbers = aligned;
            double s1 = 0, s2 = 0, u1 = 0, u2 = 0;
            for (int k = 0; k < K; ++k) {
                e.seed = 100 + std::uint64_t(k);
                const double a = search::evaluate_rule(rule(toom), e).log_tau;
                const double b = search::evaluate_rule(rule(pr.b), e).log_tau;
                e.seed = 100000 + std::uint64_t(k);
                const double b2 = search::evaluate_rule(rule(pr.b), e).log_tau;
                s1 += a - b;
                s2 += (a - b) * (a - b);
                u1 += a - b2;
                u2 += (a - b2) * (a - b2);
            }
            const double common = (s2 - s1 * s1 / K) / (K - 1), unrelated = (u2 - u1 * u1 / K) / (K - 1);
            std::printf(" %*.3f", aligned ? 14 : 12, common / unrelated);
        }
        std::printf("\n");
    }
}
