#include "models/quantum/tableau.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace qdes::quantum {

StabilizerTableau::StabilizerTableau(std::uint32_t num_qubits)
    : n_(num_qubits), scratch_(2 * num_qubits), rw_((2 * std::size_t(num_qubits) + 1 + 63) / 64),
      xs_(std::size_t(num_qubits) * rw_, 0), zs_(std::size_t(num_qubits) * rw_, 0), signs_(rw_, 0) {
    for (std::uint32_t q = 0; q < n_; ++q) {
        xcol(q)[q >> 6] |= std::uint64_t(1) << (q & 63);                  // destabilizer q: X_q
        zcol(q)[(n_ + q) >> 6] |= std::uint64_t(1) << ((n_ + q) & 63);    // stabilizer q: Z_q
    }
}

void StabilizerTableau::x(std::uint32_t q) {
    const std::uint64_t* zc = zcol(q);
    for (std::size_t w = 0; w < rw_; ++w) signs_[w] ^= zc[w];
}
void StabilizerTableau::z(std::uint32_t q) {
    const std::uint64_t* xc = xcol(q);
    for (std::size_t w = 0; w < rw_; ++w) signs_[w] ^= xc[w];
}
void StabilizerTableau::y(std::uint32_t q) {
    const std::uint64_t *xc = xcol(q), *zc = zcol(q);
    for (std::size_t w = 0; w < rw_; ++w) signs_[w] ^= xc[w] ^ zc[w];
}

void StabilizerTableau::h(std::uint32_t q) {
    std::uint64_t *xc = xcol(q), *zc = zcol(q);
    for (std::size_t w = 0; w < rw_; ++w) {
        signs_[w] ^= xc[w] & zc[w];
        std::swap(xc[w], zc[w]);
    }
}

void StabilizerTableau::s(std::uint32_t q) {
    std::uint64_t *xc = xcol(q), *zc = zcol(q);
    for (std::size_t w = 0; w < rw_; ++w) {
        signs_[w] ^= xc[w] & zc[w];
        zc[w] ^= xc[w];
    }
}

void StabilizerTableau::s_dag(std::uint32_t q) {
    std::uint64_t *xc = xcol(q), *zc = zcol(q);
    for (std::size_t w = 0; w < rw_; ++w) {
        signs_[w] ^= xc[w] & ~zc[w];
        zc[w] ^= xc[w];
    }
}

void StabilizerTableau::cx(std::uint32_t c, std::uint32_t t) {
    std::uint64_t *xc = xcol(c), *zc = zcol(c), *xt = xcol(t), *zt = zcol(t);
    for (std::size_t w = 0; w < rw_; ++w) {
        signs_[w] ^= xc[w] & zt[w] & ~(xt[w] ^ zc[w]);
        xt[w] ^= xc[w];
        zc[w] ^= zt[w];
    }
}

void StabilizerTableau::cz(std::uint32_t a, std::uint32_t b) {
    h(b);
    cx(a, b);
    h(b);
}

void StabilizerTableau::swap(std::uint32_t a, std::uint32_t b) {
    std::swap_ranges(xcol(a), xcol(a) + rw_, xcol(b));
    std::swap_ranges(zcol(a), zcol(a) + rw_, zcol(b));
}

namespace {

/// Calls f(r) for every set bit r of v in [begin, end).
template <class F>
void for_each_bit(const std::uint64_t* v, std::uint32_t begin, std::uint32_t end, F&& f) {
    for (std::uint32_t w = begin >> 6; w <= (end - 1) >> 6 && begin < end; ++w) {
        std::uint64_t bits = v[w];
        if (w == begin >> 6) bits &= ~std::uint64_t(0) << (begin & 63);
        if (w == (end - 1) >> 6 && (end & 63)) bits &= (std::uint64_t(1) << (end & 63)) - 1;
        while (bits) {
            f(std::uint32_t(w * 64 + unsigned(std::countr_zero(bits))));
            bits &= bits - 1;
        }
    }
}

}  // namespace

bool StabilizerTableau::is_deterministic(std::uint32_t q) const {
    bool any = false;
    for_each_bit(xcol(q), n_, 2 * n_, [&](std::uint32_t) { any = true; });
    return !any;
}

std::vector<std::uint64_t> StabilizerTableau::single_row_mask(std::uint32_t r) const {
    std::vector<std::uint64_t> m(rw_, 0);
    m[r >> 6] = std::uint64_t(1) << (r & 63);
    return m;
}

void StabilizerTableau::multiply_rows(std::uint32_t p, const std::vector<std::uint64_t>& mask) {
    // Per row of the mask, the exponent of i that the product picks up, as a two-bit counter mod 4 (lo, hi) held
    // bit-sliced across rows. For each qubit, P_p's factor against the row's factor contributes +1 for XY, YZ, ZX,
    // -1 for YX, ZY, XZ, and 0 otherwise.
    std::vector<std::uint64_t> lo(rw_, 0), hi(rw_, 0);
    std::vector<std::size_t> words;  // only the words the mask touches
    for (std::size_t w = 0; w < rw_; ++w)
        if (mask[w]) words.push_back(w);
    const std::size_t pw = p >> 6;
    const unsigned pb = p & 63;
    for (std::uint32_t q = 0; q < n_; ++q) {
        std::uint64_t *xc = xcol(q), *zc = zcol(q);
        const bool px = (xc[pw] >> pb) & 1, pz = (zc[pw] >> pb) & 1;
        if (!px && !pz) continue;
        for (std::size_t w : words) {
            const std::uint64_t m = mask[w];
            const std::uint64_t x = xc[w], z = zc[w];
            std::uint64_t plus, minus;
            if (px && !pz) {  // X against X Y Z: 0, +1, -1
                plus = x & z;
                minus = ~x & z;
            } else if (px && pz) {  // Y against X Y Z: -1, 0, +1
                plus = ~x & z;
                minus = x & ~z;
            } else {  // Z against X Y Z: +1, -1, 0
                plus = x & ~z;
                minus = x & z;
            }
            plus &= m;
            minus &= m;
            hi[w] ^= lo[w] & plus;
            lo[w] ^= plus;
            hi[w] ^= ~lo[w] & minus;
            lo[w] ^= minus;
            if (px) xc[w] ^= m;
            if (pz) zc[w] ^= m;
        }
    }
    // Products of commuting Hermitian Paulis have an even exponent (lo = 0): the sign is s_p xor s_r xor hi.
    const bool sp = bit(signs_.data(), p);
    for (std::size_t w : words) signs_[w] ^= mask[w] & (hi[w] ^ (sp ? ~std::uint64_t(0) : 0));
}

void StabilizerTableau::clear_row(std::uint32_t r) {
    const std::uint64_t keep = ~(std::uint64_t(1) << (r & 63));
    const std::size_t w = r >> 6;
    for (std::uint32_t q = 0; q < n_; ++q) {
        xcol(q)[w] &= keep;
        zcol(q)[w] &= keep;
    }
    signs_[w] &= keep;
}

void StabilizerTableau::copy_row(std::uint32_t from, std::uint32_t to) {
    clear_row(to);
    const std::size_t fw = from >> 6, tw = to >> 6;
    const unsigned fb = from & 63, tb = to & 63;
    for (std::uint32_t q = 0; q < n_; ++q) {
        xcol(q)[tw] |= ((xcol(q)[fw] >> fb) & 1) << tb;
        zcol(q)[tw] |= ((zcol(q)[fw] >> fb) & 1) << tb;
    }
    signs_[tw] |= ((signs_[fw] >> fb) & 1) << tb;
}

void StabilizerTableau::swap_rows(std::uint32_t a, std::uint32_t b) {
    if (a == b) return;
    auto swap_bits = [&](std::uint64_t* v) {
        const std::uint64_t ba = (v[a >> 6] >> (a & 63)) & 1, bb = (v[b >> 6] >> (b & 63)) & 1;
        if (ba != bb) {
            v[a >> 6] ^= std::uint64_t(1) << (a & 63);
            v[b >> 6] ^= std::uint64_t(1) << (b & 63);
        }
    };
    for (std::uint32_t q = 0; q < n_; ++q) {
        swap_bits(xcol(q));
        swap_bits(zcol(q));
    }
    swap_bits(signs_.data());
}

bool StabilizerTableau::peek(std::uint32_t q) {
    // Z_q is the product of the stabilizers whose destabilizers anticommute with it (have an X or Y on q).
    clear_row(scratch_);
    const std::vector<std::uint64_t> scratch = single_row_mask(scratch_);
    std::vector<std::uint32_t> rows;
    for_each_bit(xcol(q), 0, n_, [&](std::uint32_t i) { rows.push_back(n_ + i); });
    for (std::uint32_t r : rows) multiply_rows(r, scratch);
    return bit(signs_.data(), scratch_);
}

bool StabilizerTableau::measure(std::uint32_t q) {
    const std::uint64_t* xc = xcol(q);
    std::uint32_t p = 2 * n_;
    for_each_bit(xc, n_, 2 * n_, [&](std::uint32_t r) { p = std::min(p, r); });
    if (p == 2 * n_) return peek(q);
    // Random: every other row anticommuting with Z_q is multiplied by row p; row p's old value becomes its
    // destabilizer, and the new stabilizer is +Z_q (outcome 0).
    std::vector<std::uint64_t> mask(xc, xc + rw_);
    mask[p >> 6] &= ~(std::uint64_t(1) << (p & 63));
    mask[scratch_ >> 6] &= ~(std::uint64_t(1) << (scratch_ & 63));
    multiply_rows(p, mask);
    copy_row(p, p - n_);
    clear_row(p);
    zcol(q)[p >> 6] |= std::uint64_t(1) << (p & 63);
    return false;
}

void StabilizerTableau::reset(std::uint32_t q) {
    if (measure(q)) x(q);
    // Now +Z_q is a stabilizer and no stabilizer row has an X on q.
    std::vector<std::uint32_t> involved;  // destabilizers anticommuting with Z_q: their stabilizers multiply to Z_q
    for_each_bit(xcol(q), 0, n_, [&](std::uint32_t i) { involved.push_back(i); });
    // Prefer q's own pair: when an ancilla was entangled by CNOTs and is now reset, multiplying the other rows by
    // its pair undoes exactly what the CNOTs did to them, so the tableau returns to its state before the CNOTs.
    const std::uint32_t i0 = bit(xcol(q), q) ? q : involved.front();
    std::vector<std::uint64_t> others(rw_, 0);
    for (std::uint32_t i : involved)
        if (i != i0) {
            others[i >> 6] |= std::uint64_t(1) << (i & 63);
            multiply_rows(n_ + i, single_row_mask(n_ + i0));
        }
    multiply_rows(i0, others);  // keeps each destabilizer paired with its own stabilizer only
    clear_row(i0);
    clear_row(n_ + i0);
    // Multiplying the other rows by Z_q or X_q clears q from them; stabilizers have no X there, so their signs do not
    // change, and destabilizer signs carry no meaning.
    std::fill(xcol(q), xcol(q) + rw_, 0);
    std::fill(zcol(q), zcol(q) + rw_, 0);
    xcol(q)[i0 >> 6] |= std::uint64_t(1) << (i0 & 63);
    zcol(q)[(n_ + i0) >> 6] |= std::uint64_t(1) << ((n_ + i0) & 63);
    swap_rows(i0, q);
    swap_rows(n_ + i0, n_ + q);
}

}  // namespace qdes::quantum
