#include "models/quantum/codes/css_code.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <stdexcept>

namespace qdes::quantum {

namespace {

using Bits = std::vector<std::uint64_t>;

Bits to_bits(const QubitSet& s, std::uint32_t n) {
    Bits b((n + 63) / 64, 0);
    for (std::uint32_t q : s) b[q >> 6] ^= std::uint64_t(1) << (q & 63);
    return b;
}

int overlap_parity(const QubitSet& a, const QubitSet& b) {
    int count = 0;
    for (std::uint32_t q : a) count += std::count(b.begin(), b.end(), q) > 0;
    return count & 1;
}

/// Reduces rows to echelon form in place; returns the rank and the pivot column of each kept row.
std::size_t eliminate(std::vector<Bits>& rows, std::vector<std::uint32_t>* pivots) {
    std::size_t rank = 0;
    if (rows.empty()) return 0;
    const std::size_t words = rows[0].size();
    for (std::size_t col = 0; col < words * 64 && rank < rows.size(); ++col) {
        const std::size_t w = col >> 6;
        const std::uint64_t m = std::uint64_t(1) << (col & 63);
        std::size_t r = rank;
        while (r < rows.size() && !(rows[r][w] & m)) ++r;
        if (r == rows.size()) continue;
        std::swap(rows[r], rows[rank]);
        for (std::size_t i = 0; i < rows.size(); ++i)
            if (i != rank && (rows[i][w] & m))
                for (std::size_t k = 0; k < words; ++k) rows[i][k] ^= rows[rank][k];
        if (pivots) pivots->push_back(std::uint32_t(col));
        ++rank;
    }
    rows.resize(rank);
    return rank;
}

/// Qubit indices are 24-bit in circuits; a code with its ancillas must fit.
void check_size(const std::string& what, std::uint64_t qubits_with_ancillas) {
    if (qubits_with_ancillas > (std::uint64_t(1) << 24))
        throw std::invalid_argument(what + " would need " + std::to_string(qubits_with_ancillas) +
                                    " qubits with its ancillas; the most a circuit can address is 16777216");
}

/// The qubits begin, begin + 1, ..., end - 1.
std::vector<std::uint32_t> range(std::uint32_t begin, std::uint32_t end) {
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = begin; i < end; ++i) out.push_back(i);
    return out;
}

}  // namespace

CssCode repetition_code(std::uint32_t d) {
    if (d < 2) throw std::invalid_argument("a repetition code needs d >= 2");
    check_size("repetition(d=" + std::to_string(d) + ")", 2ull * d);
    CssCode c;
    c.name = "repetition(d=" + std::to_string(d) + ")";
    c.num_qubits = d;
    for (std::uint32_t i = 0; i + 1 < d; ++i) c.z_checks.push_back({i, i + 1});
    c.x_logicals = {range(0, d)};
    c.z_logicals = {{0}};
    return c;
}

CssCode ising2d_code(std::uint32_t L) {
    if (L < 2) throw std::invalid_argument("an Ising memory needs L >= 2");
    check_size("ising2d(L=" + std::to_string(L) + ")", 3ull * L * L);
    CssCode c;
    c.name = "ising2d(L=" + std::to_string(L) + ")";
    c.num_qubits = L * L;
    auto q = [L](std::uint32_t r, std::uint32_t col) { return (r % L) * L + (col % L); };
    for (std::uint32_t r = 0; r < L; ++r)
        for (std::uint32_t col = 0; col < L; ++col) {
            c.z_checks.push_back({q(r, col), q(r, col + 1)});
            c.z_checks.push_back({q(r, col), q(r + 1, col)});
        }
    c.x_logicals = {range(0, L * L)};
    c.z_logicals = {{0}};
    return c;
}

CssCode toric2d_code(std::uint32_t L) {
    if (L < 2) throw std::invalid_argument("a toric code needs L >= 2");
    check_size("toric2d(L=" + std::to_string(L) + ")", 4ull * L * L);
    CssCode c;
    c.name = "toric2d(L=" + std::to_string(L) + ")";
    c.num_qubits = 2 * L * L;
    // h(i, j): the edge from vertex (i, j) to (i, j + 1); v(i, j): from (i, j) to (i + 1, j).
    auto h = [L](std::uint32_t i, std::uint32_t j) { return (i % L) * L + (j % L); };
    auto v = [L](std::uint32_t i, std::uint32_t j) { return L * L + (i % L) * L + (j % L); };
    for (std::uint32_t i = 0; i < L; ++i)
        for (std::uint32_t j = 0; j < L; ++j) {
            c.x_checks.push_back({h(i, j), h(i, j + L - 1), v(i, j), v(i + L - 1, j)});  // star of vertex (i, j)
            c.z_checks.push_back({h(i, j), h(i + 1, j), v(i, j), v(i, j + 1)});          // plaquette below-right
        }
    QubitSet x1, x2, z1, z2;
    for (std::uint32_t k = 0; k < L; ++k) {
        x1.push_back(h(k, 0));  // crosses every row of plaquettes' horizontal edges: a dual cycle
        z1.push_back(h(0, k));  // a horizontal cycle of edges
        x2.push_back(v(0, k));
        z2.push_back(v(k, 0));
    }
    c.x_logicals = {x1, x2};
    c.z_logicals = {z1, z2};
    return c;
}

CssCode toric4d_code(std::uint32_t L) {
    if (L < 2) throw std::invalid_argument("a 4D toric code needs L >= 2");
    check_size("toric4d(L=" + std::to_string(L) + ")", 14ull * L * L * L * L);
    CssCode c;
    c.name = "toric4d(L=" + std::to_string(L) + ")";
    const std::uint32_t V = L * L * L * L;
    c.num_qubits = 6 * V;
    std::uint32_t stride[4] = {1, L, L * L, L * L * L};
    auto shift = [&](std::uint32_t v, int d, int by) {
        std::uint32_t coord = (v / stride[d]) % L;
        std::uint32_t moved = (coord + std::uint32_t(int(L) + by)) % L;
        return v + (moved - coord) * stride[d];
    };
    // Plaquette types: the 6 pairs of directions.
    int pair_index[4][4];
    std::vector<std::pair<int, int>> pairs;
    for (int a = 0; a < 4; ++a)
        for (int b = a + 1; b < 4; ++b) {
            pair_index[a][b] = pair_index[b][a] = int(pairs.size());
            pairs.emplace_back(a, b);
        }
    auto plaq = [&](std::uint32_t v, int a, int b) { return std::uint32_t(pair_index[a][b]) * V + v; };
    // Z checks on edges (v, d): the 6 plaquettes that contain the edge.
    for (int d = 0; d < 4; ++d)
        for (std::uint32_t v = 0; v < V; ++v) {
            QubitSet s;
            for (int e = 0; e < 4; ++e) {
                if (e == d) continue;
                s.push_back(plaq(v, d, e));
                s.push_back(plaq(shift(v, e, -1), d, e));
            }
            c.z_checks.push_back(s);
        }
    // X checks on cubes (v, directions other than `missing`): the 6 plaquettes of the cube's boundary.
    for (int missing = 0; missing < 4; ++missing)
        for (std::uint32_t v = 0; v < V; ++v) {
            std::vector<int> dirs;
            for (int d = 0; d < 4; ++d)
                if (d != missing) dirs.push_back(d);
            QubitSet s;
            for (int k = 0; k < 3; ++k) {
                int a = dirs[(k + 1) % 3], b = dirs[(k + 2) % 3], normal = dirs[k];
                s.push_back(plaq(v, a, b));
                s.push_back(plaq(shift(v, normal, 1), a, b));
            }
            c.x_checks.push_back(s);
        }
    // Logical k for the plane of directions (a, b): X on the plaquettes of one (a, b)-plane (a closed surface),
    // Z on the (a, b)-plaquettes at a = b = 0 across the other two directions (a closed dual surface).
    for (const auto& [a, b] : pairs) {
        QubitSet xs, zs;
        for (std::uint32_t v = 0; v < V; ++v) {
            std::uint32_t ca = (v / stride[a]) % L, cb = (v / stride[b]) % L;
            bool in_plane = true;
            for (int d = 0; d < 4; ++d)
                if (d != a && d != b && (v / stride[d]) % L != 0) in_plane = false;
            if (in_plane) xs.push_back(plaq(v, a, b));
            if (ca == 0 && cb == 0) zs.push_back(plaq(v, a, b));
        }
        c.x_logicals.push_back(xs);
        c.z_logicals.push_back(zs);
    }
    return c;
}

std::vector<std::string> code_names() { return {"repetition", "ising2d", "toric2d", "toric4d"}; }

CssCode make_code(const std::string& name, std::uint32_t size) {
    if (name == "repetition") return repetition_code(size);
    if (name == "ising2d") return ising2d_code(size);
    if (name == "toric2d") return toric2d_code(size);
    if (name == "toric4d") return toric4d_code(size);
    throw std::invalid_argument("unknown code '" + name + "' (known: repetition, ising2d, toric2d, toric4d)");
}

std::size_t gf2_rank(const std::vector<QubitSet>& rows, std::uint32_t n) {
    std::vector<Bits> b;
    for (const auto& r : rows) b.push_back(to_bits(r, n));
    return eliminate(b, nullptr);
}

std::size_t num_logical_qubits(const CssCode& c) {
    return c.num_qubits - gf2_rank(c.x_checks, c.num_qubits) - gf2_rank(c.z_checks, c.num_qubits);
}

bool check_commutation(const CssCode& c, std::string* why) {
    auto fail = [&](const std::string& m) {
        if (why) *why = m;
        return false;
    };
    for (std::size_t i = 0; i < c.x_checks.size(); ++i)
        for (std::size_t j = 0; j < c.z_checks.size(); ++j)
            if (overlap_parity(c.x_checks[i], c.z_checks[j]))
                return fail("X check " + std::to_string(i) + " anticommutes with Z check " + std::to_string(j));
    for (std::size_t k = 0; k < c.z_logicals.size(); ++k)
        for (std::size_t i = 0; i < c.x_checks.size(); ++i)
            if (overlap_parity(c.z_logicals[k], c.x_checks[i]))
                return fail("Z logical " + std::to_string(k) + " anticommutes with X check " + std::to_string(i));
    for (std::size_t k = 0; k < c.x_logicals.size(); ++k)
        for (std::size_t i = 0; i < c.z_checks.size(); ++i)
            if (overlap_parity(c.x_logicals[k], c.z_checks[i]))
                return fail("X logical " + std::to_string(k) + " anticommutes with Z check " + std::to_string(i));
    for (std::size_t a = 0; a < c.x_logicals.size(); ++a)
        for (std::size_t b = 0; b < c.z_logicals.size(); ++b)
            if (overlap_parity(c.x_logicals[a], c.z_logicals[b]) != int(a == b))
                return fail("X logical " + std::to_string(a) + " and Z logical " + std::to_string(b) +
                            (a == b ? " commute" : " anticommute"));
    return true;
}

std::uint32_t brute_force_distance(const CssCode& c, char type, std::uint32_t max_weight) {
    // An X-type operator must commute with the Z checks; it is trivial if it is a product of X checks.
    const auto& detect = type == 'X' ? c.z_checks : c.x_checks;
    const auto& stabilizers = type == 'X' ? c.x_checks : c.z_checks;
    const std::uint32_t n = c.num_qubits;
    const std::size_t m = detect.size(), mw = (m + 63) / 64;
    // Syndrome column of each qubit.
    std::vector<Bits> column(n, Bits(mw, 0));
    for (std::size_t i = 0; i < m; ++i)
        for (std::uint32_t q : detect[i]) column[q][i >> 6] ^= std::uint64_t(1) << (i & 63);
    std::vector<Bits> stab;
    for (const auto& s : stabilizers) stab.push_back(to_bits(s, n));
    const std::size_t stab_rank = eliminate(stab, nullptr);
    auto is_stabilizer = [&](const std::vector<std::uint32_t>& qs) {
        std::vector<Bits> rows = stab;
        rows.push_back(to_bits(qs, n));
        return eliminate(rows, nullptr) == stab_rank;
    };
    std::vector<std::uint32_t> chosen;
    std::vector<Bits> syndrome_stack{Bits(mw, 0)};
    std::function<bool(std::uint32_t, std::uint32_t)> search = [&](std::uint32_t start, std::uint32_t left) -> bool {
        if (left == 0) {
            for (std::uint64_t w : syndrome_stack.back())
                if (w) return false;
            return !is_stabilizer(chosen);
        }
        for (std::uint32_t q = start; q + left <= n; ++q) {
            Bits s = syndrome_stack.back();
            for (std::size_t k = 0; k < mw; ++k) s[k] ^= column[q][k];
            syndrome_stack.push_back(std::move(s));
            chosen.push_back(q);
            bool found = search(q + 1, left - 1);
            chosen.pop_back();
            syndrome_stack.pop_back();
            if (found) return true;
        }
        return false;
    };
    for (std::uint32_t w = 1; w <= max_weight; ++w)
        if (search(0, w)) return w;
    return 0;
}

namespace {

/// CX pairs (a, b) in layers where no qubit appears twice, earliest layer first (greedy edge colouring).
std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> schedule(
    const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs, std::uint32_t num_qubits) {
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> layers;
    std::vector<std::vector<bool>> busy;
    for (const auto& [a, b] : pairs) {
        std::size_t l = 0;
        while (l < layers.size() && (busy[l][a] || busy[l][b])) ++l;
        if (l == layers.size()) {
            layers.emplace_back();
            busy.emplace_back(num_qubits, false);
        }
        layers[l].emplace_back(a, b);
        busy[l][a] = busy[l][b] = true;
    }
    return layers;
}

std::vector<std::uint32_t> flatten(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& layer) {
    std::vector<std::uint32_t> out;
    for (const auto& [a, b] : layer) {
        out.push_back(a);
        out.push_back(b);
    }
    return out;
}


}  // namespace

Circuit memory_circuit(const CssCode& code, const MemoryOptions& o) {
    if (o.rounds < 1) throw std::invalid_argument("a memory experiment needs at least one round");
    if (o.basis != 'Z' && o.basis != 'X') throw std::invalid_argument("the memory basis must be Z or X");
    const std::uint32_t n = code.num_qubits;
    const std::uint32_t mz = std::uint32_t(code.z_checks.size()), mx = std::uint32_t(code.x_checks.size());
    const std::uint32_t M = mz + mx, total = n + M;
    const bool phenomenological = o.noise.kind == NoiseModel::Kind::kPhenomenological;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> zpairs, xpairs;
    for (std::uint32_t i = 0; i < mz; ++i)
        for (std::uint32_t q : code.z_checks[i]) zpairs.emplace_back(q, n + i);  // data controls the ancilla
    for (std::uint32_t i = 0; i < mx; ++i)
        for (std::uint32_t q : code.x_checks[i]) xpairs.emplace_back(n + mz + i, q);  // ancilla controls the data
    const auto zlayers = schedule(zpairs, total), xlayers = schedule(xpairs, total);
    const std::vector<std::uint32_t> data = range(0, n), ancillas = range(n, total), xanc = range(n + mz, total);

    Circuit c;
    c.source = "memory_circuit(" + code.name + ")";
    CircuitBuilder top(c);
    top.add(o.basis == 'Z' ? Gate::kR : Gate::kRX, data);
    if (M) top.add(Gate::kR, ancillas);
    top.tick();
    auto round = [&](CircuitBuilder& b, bool first) {
        if (phenomenological && o.noise.p > 0) b.add(o.basis == 'Z' ? Gate::kXError : Gate::kZError, data, {o.noise.p});
        for (const auto& layer : zlayers) b.add(Gate::kCX, flatten(layer)).tick();
        if (mx) {
            b.add(Gate::kH, xanc).tick();
            for (const auto& layer : xlayers) b.add(Gate::kCX, flatten(layer)).tick();
            b.add(Gate::kH, xanc).tick();
        }
        if (!M) return;
        const double q = phenomenological ? o.noise.measurement_flip() : 0;
        b.add(Gate::kMR, ancillas, q > 0 ? std::vector<double>{q} : std::vector<double>{});
        for (std::uint32_t i = 0; i < M; ++i) {
            bool z_type = i < mz;
            if (first && z_type != (o.basis == 'Z')) continue;  // random in the first round
            if (first)
                b.detector({M - i});
            else
                b.detector({M - i, 2 * M - i});
        }
        b.tick();
    };
    round(top, true);
    if (o.rounds > 1) {
        CircuitBuilder body = top.repeat(o.rounds - 1);
        round(body, false);
    }
    top.add(o.basis == 'Z' ? Gate::kM : Gate::kMX, data);
    const auto& checks = o.basis == 'Z' ? code.z_checks : code.x_checks;
    const std::uint32_t offset = o.basis == 'Z' ? 0 : mz;
    for (std::uint32_t j = 0; j < checks.size(); ++j) {
        std::vector<std::uint32_t> looks;
        for (std::uint32_t q : checks[j]) looks.push_back(n - q);
        looks.push_back(n + M - (offset + j));
        top.detector(looks);
    }
    const auto& logicals = o.basis == 'Z' ? code.z_logicals : code.x_logicals;
    for (std::uint32_t k = 0; k < logicals.size(); ++k) {
        std::vector<std::uint32_t> looks;
        for (std::uint32_t q : logicals[k]) looks.push_back(n - q);
        top.observable(k, looks);
    }
    if (!phenomenological) return add_gate_noise(c, o.noise);
    return c;
}

Circuit toom_memory_circuit(std::uint32_t L, std::uint64_t rounds, const NoiseModel& noise) {
    if (L < 2) throw std::invalid_argument("Toom's rule needs L >= 2");
    check_size("Toom's rule on ising2d(L=" + std::to_string(L) + ")", 3ull * L * L);
    if (rounds < 1) throw std::invalid_argument("a memory experiment needs at least one round");
    if (noise.kind == NoiseModel::Kind::kPhenomenological)
        throw std::invalid_argument("Toom's rule has no syndrome measurements; use gate_bitflip or gate_depolarizing");
    const std::uint32_t N = L * L;
    auto spin = [L](std::uint32_t r, std::uint32_t col) { return (r % L) * L + (col % L); };
    std::vector<std::uint32_t> north_pairs, east_pairs, north_nb, east_nb, ccx;
    for (std::uint32_t r = 0; r < L; ++r)
        for (std::uint32_t col = 0; col < L; ++col) {
            std::uint32_t s = spin(r, col), an = N + s, ae = 2 * N + s;
            north_pairs.insert(north_pairs.end(), {s, an});
            east_pairs.insert(east_pairs.end(), {s, ae});
            north_nb.insert(north_nb.end(), {spin(r + L - 1, col), an});
            east_nb.insert(east_nb.end(), {spin(r, col + 1), ae});
            ccx.insert(ccx.end(), {an, ae, s});
        }
    Circuit c;
    c.source = "toom_memory_circuit(L=" + std::to_string(L) + ")";
    CircuitBuilder top(c);
    top.add(Gate::kR, range(0, N)).tick();
    CircuitBuilder body = top.repeat(rounds);
    body.add(Gate::kR, range(N, 3 * N)).tick();
    // The order a greedy layering of (ancilla, offset, site) gives, so that a rule file describing Toom's rule
    // (protocols/lec/rule.h) builds this very circuit.
    body.add(Gate::kCX, north_pairs).tick();
    body.add(Gate::kCX, north_nb).tick();
    body.add(Gate::kCX, east_pairs).tick();
    body.add(Gate::kCX, east_nb).tick();
    body.add(Gate::kCCX, ccx).tick();
    top.add(Gate::kM, range(0, N));
    CssCode code = ising2d_code(L);
    for (const auto& check : code.z_checks) top.detector({N - check[0], N - check[1]});
    top.observable(0, {N});
    return add_gate_noise(c, noise);
}

}  // namespace qdes::quantum
