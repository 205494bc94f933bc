#include "models/quantum/frame_kernels.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define QDES_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define QDES_CLONES
#endif

namespace qdes::quantum::kernels {

namespace {
inline std::uint64_t* row(std::uint64_t* base, std::size_t W, std::uint32_t q) { return base + std::size_t(q) * W; }
inline const std::uint64_t* row(const std::uint64_t* base, std::size_t W, std::uint32_t q) {
    return base + std::size_t(q) * W;
}
}  // namespace

QDES_CLONES void h(std::uint64_t* x, std::uint64_t* z, std::size_t W, const std::uint32_t* t, std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) {
        std::uint64_t* __restrict xa = row(x, W, t[k]);
        std::uint64_t* __restrict za = row(z, W, t[k]);
        for (std::size_t w = 0; w < W; ++w) {
            std::uint64_t a = xa[w];
            xa[w] = za[w];
            za[w] = a;
        }
    }
}

QDES_CLONES void s(std::uint64_t* x, std::uint64_t* z, std::size_t W, const std::uint32_t* t, std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint64_t* __restrict xa = row(x, W, t[k]);
        std::uint64_t* __restrict za = row(z, W, t[k]);
        for (std::size_t w = 0; w < W; ++w) za[w] ^= xa[w];
    }
}

QDES_CLONES void cx(std::uint64_t* x, std::uint64_t* z, std::size_t W, const std::uint32_t* t, std::size_t n) {
    for (std::size_t k = 0; k + 1 < n; k += 2) {
        const std::uint64_t* __restrict xc = row(x, W, t[k]);
        std::uint64_t* __restrict xt = row(x, W, t[k + 1]);
        std::uint64_t* __restrict zc = row(z, W, t[k]);
        const std::uint64_t* __restrict zt = row(z, W, t[k + 1]);
        for (std::size_t w = 0; w < W; ++w) {
            xt[w] ^= xc[w];
            zc[w] ^= zt[w];
        }
    }
}

QDES_CLONES void cz(std::uint64_t* x, std::uint64_t* z, std::size_t W, const std::uint32_t* t, std::size_t n) {
    for (std::size_t k = 0; k + 1 < n; k += 2) {
        const std::uint64_t* __restrict xa = row(x, W, t[k]);
        const std::uint64_t* __restrict xb = row(x, W, t[k + 1]);
        std::uint64_t* __restrict za = row(z, W, t[k]);
        std::uint64_t* __restrict zb = row(z, W, t[k + 1]);
        for (std::size_t w = 0; w < W; ++w) {
            za[w] ^= xb[w];
            zb[w] ^= xa[w];
        }
    }
}

QDES_CLONES void swap(std::uint64_t* x, std::uint64_t* z, std::size_t W, const std::uint32_t* t, std::size_t n) {
    for (std::size_t k = 0; k + 1 < n; k += 2) {
        std::uint64_t* __restrict xa = row(x, W, t[k]);
        std::uint64_t* __restrict xb = row(x, W, t[k + 1]);
        std::uint64_t* __restrict za = row(z, W, t[k]);
        std::uint64_t* __restrict zb = row(z, W, t[k + 1]);
        for (std::size_t w = 0; w < W; ++w) {
            std::uint64_t a = xa[w], b = za[w];
            xa[w] = xb[w];
            za[w] = zb[w];
            xb[w] = a;
            zb[w] = b;
        }
    }
}

QDES_CLONES void ccx(const std::uint64_t* x, std::uint64_t* dst, std::size_t W, const std::uint32_t* t, std::size_t n,
                     const std::uint8_t* values) {
    for (std::size_t k = 0, g = 0; k + 2 < n; k += 3, g += 2) {
        const std::uint64_t v1 = values[g] ? ~std::uint64_t(0) : 0;
        const std::uint64_t v2 = values[g + 1] ? ~std::uint64_t(0) : 0;
        const std::uint64_t both = v1 & v2;
        const std::uint64_t* __restrict c1 = row(x, W, t[k]);
        const std::uint64_t* __restrict c2 = row(x, W, t[k + 1]);
        std::uint64_t* __restrict d = row(dst, W, t[k + 2]);
        for (std::size_t w = 0; w < W; ++w) d[w] ^= ((c1[w] ^ v1) & (c2[w] ^ v2)) ^ both;
    }
}

QDES_CLONES void mcx(const std::uint64_t* x, std::uint64_t* dst, std::size_t W, const std::uint32_t* t, std::size_t n,
                     const std::uint8_t* values) {
    std::uint64_t all = ~std::uint64_t(0);
    for (std::size_t k = 0; k + 1 < n; ++k) all &= values[k] ? ~std::uint64_t(0) : 0;
    std::uint64_t* __restrict d = row(dst, W, t[n - 1]);
    for (std::size_t w = 0; w < W; ++w) {
        std::uint64_t acc = ~std::uint64_t(0);
        for (std::size_t k = 0; k + 1 < n; ++k) acc &= row(x, W, t[k])[w] ^ (values[k] ? ~std::uint64_t(0) : 0);
        d[w] ^= acc ^ all;
    }
}

QDES_CLONES void xor_into(std::uint64_t* dst, const std::uint64_t* src, std::size_t W) {
    std::uint64_t* __restrict d = dst;
    const std::uint64_t* __restrict s = src;
    for (std::size_t w = 0; w < W; ++w) d[w] ^= s[w];
}

QDES_CLONES void copy(std::uint64_t* dst, const std::uint64_t* src, std::size_t W) {
    std::uint64_t* __restrict d = dst;
    const std::uint64_t* __restrict s = src;
    for (std::size_t w = 0; w < W; ++w) d[w] = s[w];
}

}  // namespace qdes::quantum::kernels
