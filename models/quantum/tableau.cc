#include "models/quantum/tableau.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace qdes::quantum {

namespace {

/// (hx, hz, hsign) := P_i * P_h for bit-packed Pauli strings. The phase follows from the exponent of i that each
/// qubit's single-qubit product contributes: +1 for XY, YZ, ZX; -1 for YX, ZY, XZ; 0 otherwise.
void multiply_into(const std::uint64_t* ix, const std::uint64_t* iz, bool isign, std::uint64_t* hx, std::uint64_t* hz,
                   std::uint8_t& hsign, std::size_t words) {
    int exponent = 2 * int(isign) + 2 * int(hsign);
    for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t x1 = ix[w], z1 = iz[w], x2 = hx[w], z2 = hz[w];
        std::uint64_t is_x = x1 & ~z1, is_y = x1 & z1, is_z = ~x1 & z1;
        std::uint64_t plus = (is_x & x2 & z2) | (is_y & z2 & ~x2) | (is_z & x2 & ~z2);
        std::uint64_t minus = (is_x & z2 & ~x2) | (is_y & x2 & ~z2) | (is_z & x2 & z2);
        exponent += std::popcount(plus) - std::popcount(minus);
        hx[w] = x2 ^ x1;
        hz[w] = z2 ^ z1;
    }
    hsign = std::uint8_t(((exponent % 4) + 4) % 4 == 2);
}

}  // namespace

StabilizerTableau::StabilizerTableau(std::uint32_t num_qubits)
    : n_(num_qubits), words_((num_qubits + 63) / 64), bits_(std::size_t(2) * num_qubits * 2 * words_, 0),
      signs_(std::size_t(2) * num_qubits, 0) {
    for (std::uint32_t q = 0; q < n_; ++q) {
        xs(q)[q >> 6] |= std::uint64_t(1) << (q & 63);       // destabilizer X_q
        zs(n_ + q)[q >> 6] |= std::uint64_t(1) << (q & 63);  // stabilizer Z_q
    }
}

#define QDES_FOR_ROWS for (std::uint32_t r = 0; r < 2 * n_; ++r)

void StabilizerTableau::x(std::uint32_t q) {
    QDES_FOR_ROWS signs_[r] ^= std::uint8_t(zbit(r, q));
}
void StabilizerTableau::z(std::uint32_t q) {
    QDES_FOR_ROWS signs_[r] ^= std::uint8_t(xbit(r, q));
}
void StabilizerTableau::y(std::uint32_t q) {
    QDES_FOR_ROWS signs_[r] ^= std::uint8_t(xbit(r, q) ^ zbit(r, q));
}

void StabilizerTableau::h(std::uint32_t q) {
    const std::size_t w = q >> 6;
    const std::uint64_t m = std::uint64_t(1) << (q & 63);
    QDES_FOR_ROWS {
        std::uint64_t& xw = xs(r)[w];
        std::uint64_t& zw = zs(r)[w];
        bool xb = xw & m, zb = zw & m;
        signs_[r] ^= std::uint8_t(xb && zb);
        if (xb != zb) {
            xw ^= m;
            zw ^= m;
        }
    }
}

void StabilizerTableau::s(std::uint32_t q) {
    const std::size_t w = q >> 6;
    const std::uint64_t m = std::uint64_t(1) << (q & 63);
    QDES_FOR_ROWS {
        bool xb = xs(r)[w] & m, zb = zs(r)[w] & m;
        signs_[r] ^= std::uint8_t(xb && zb);
        if (xb) zs(r)[w] ^= m;
    }
}

void StabilizerTableau::s_dag(std::uint32_t q) {
    const std::size_t w = q >> 6;
    const std::uint64_t m = std::uint64_t(1) << (q & 63);
    QDES_FOR_ROWS {
        bool xb = xs(r)[w] & m, zb = zs(r)[w] & m;
        signs_[r] ^= std::uint8_t(xb && !zb);
        if (xb) zs(r)[w] ^= m;
    }
}

void StabilizerTableau::cx(std::uint32_t c, std::uint32_t t) {
    QDES_FOR_ROWS {
        bool xc = xbit(r, c), zc = zbit(r, c), xt = xbit(r, t), zt = zbit(r, t);
        signs_[r] ^= std::uint8_t(xc && zt && (xt == zc));
        if (xc) xs(r)[t >> 6] ^= std::uint64_t(1) << (t & 63);
        if (zt) zs(r)[c >> 6] ^= std::uint64_t(1) << (c & 63);
    }
}

void StabilizerTableau::cz(std::uint32_t a, std::uint32_t b) {
    h(b);
    cx(a, b);
    h(b);
}

void StabilizerTableau::swap(std::uint32_t a, std::uint32_t b) {
    cx(a, b);
    cx(b, a);
    cx(a, b);
}

#undef QDES_FOR_ROWS

bool StabilizerTableau::is_deterministic(std::uint32_t q) const {
    for (std::uint32_t p = n_; p < 2 * n_; ++p)
        if (xbit(p, q)) return false;
    return true;
}

bool StabilizerTableau::deterministic_value(std::uint32_t q) const {
    std::vector<std::uint64_t> ax(words_, 0), az(words_, 0);
    std::uint8_t sign = 0;
    for (std::uint32_t i = 0; i < n_; ++i)
        if (xbit(i, q)) multiply_into(xs(i + n_), zs(i + n_), signs_[i + n_], ax.data(), az.data(), sign, words_);
    return sign;
}

bool StabilizerTableau::peek(std::uint32_t q) const { return deterministic_value(q); }

void StabilizerTableau::rowsum(std::uint32_t h, std::uint32_t i) {
    multiply_into(xs(i), zs(i), signs_[i], xs(h), zs(h), signs_[h], words_);
}

bool StabilizerTableau::measure(std::uint32_t q) {
    std::uint32_t p = 2 * n_;
    for (std::uint32_t r = n_; r < 2 * n_; ++r)
        if (xbit(r, q)) {
            p = r;
            break;
        }
    if (p == 2 * n_) return deterministic_value(q);
    for (std::uint32_t r = 0; r < 2 * n_; ++r)
        if (r != p && xbit(r, q)) rowsum(r, p);
    // The old stabilizer becomes the destabilizer; the new stabilizer is +Z_q (outcome 0).
    std::copy(xs(p), xs(p) + 2 * words_, xs(p - n_));
    signs_[p - n_] = signs_[p];
    std::fill(xs(p), xs(p) + 2 * words_, 0);
    zs(p)[q >> 6] |= std::uint64_t(1) << (q & 63);
    signs_[p] = 0;
    return false;
}

void StabilizerTableau::reset(std::uint32_t q) {
    if (measure(q)) x(q);
    // Z_q is now a stabilizer and no stabilizer row has an X on q. Rewrite the tableau so that q's pair of rows is
    // exactly (X_q, +Z_q) at position q and no other row touches q. The state is unchanged, but a reset leaves the
    // same rows however the qubit was entangled before, so a loop that resets its ancillas each round reaches a
    // fixed point of the tableau, which the compiler's loop folding detects.
    const std::size_t w = q >> 6;
    const std::uint64_t m = std::uint64_t(1) << (q & 63);
    std::vector<std::uint32_t> involved;  // destabilizers anticommuting with Z_q: their stabilizers multiply to Z_q
    for (std::uint32_t i = 0; i < n_; ++i)
        if (xs(i)[w] & m) involved.push_back(i);
    const std::uint32_t i0 = involved.front();
    for (std::uint32_t i : involved)
        if (i != i0) {
            rowsum(n_ + i0, n_ + i);
            rowsum(i, i0);  // keeps destabilizer i paired with stabilizer i only
        }
    std::fill(xs(i0), xs(i0) + 2 * words_, 0);
    xs(i0)[w] = m;
    signs_[i0] = 0;
    std::fill(xs(n_ + i0), xs(n_ + i0) + 2 * words_, 0);
    zs(n_ + i0)[w] = m;
    signs_[n_ + i0] = 0;
    // Multiplying the other rows by Z_q or X_q clears q from them; stabilizers have no X there, so their signs do not
    // change, and destabilizer signs carry no meaning.
    for (std::uint32_t r = 0; r < 2 * n_; ++r) {
        if (r == i0 || r == n_ + i0) continue;
        zs(r)[w] &= ~m;
        if (r < n_) xs(r)[w] &= ~m;
    }
    if (i0 != q) {
        std::swap_ranges(xs(i0), xs(i0) + 2 * words_, xs(q));
        std::swap_ranges(xs(n_ + i0), xs(n_ + i0) + 2 * words_, xs(n_ + q));
        std::swap(signs_[i0], signs_[q]);
        std::swap(signs_[n_ + i0], signs_[n_ + q]);
    }
}

}  // namespace qdes::quantum
