#include "sim/random.h"

#include <cmath>

#include "sim/ints.h"

namespace qdes {
namespace {

constexpr std::uint32_t kMul0 = 0xD2511F53u;
constexpr std::uint32_t kMul1 = 0xCD9E8D57u;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;
constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;

inline void mul_hi_lo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
    std::uint64_t p = std::uint64_t(a) * b;
    hi = std::uint32_t(p >> 32);
    lo = std::uint32_t(p);
}

/// SplitMix64's finaliser: a bijective mixer with good avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001B3ull;
    }
    return h;
}

}  // namespace

std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> c, std::array<std::uint32_t, 2> k) {
    for (int round = 0; round < 10; ++round) {
        if (round > 0) {
            k[0] += kWeyl0;
            k[1] += kWeyl1;
        }
        std::uint32_t hi0, lo0, hi1, lo1;
        mul_hi_lo(kMul0, c[0], hi0, lo0);
        mul_hi_lo(kMul1, c[2], hi1, lo1);
        c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
    }
    return c;
}

std::uint64_t stream_id(std::string_view component, std::string_view purpose) {
    std::uint64_t h = fnv1a(component, 0xCBF29CE484222325ull);
    h = fnv1a(std::string_view("\x1f", 1), h);  // separator: ("ab","c") differs from ("a","bc")
    h = fnv1a(purpose, h);
    return mix64(h);
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) {
    auto block = philox4x32_10({std::uint32_t(index), std::uint32_t(index >> 32), 0x5eedu, 0x5eedu},
                               {std::uint32_t(seed), std::uint32_t(seed >> 32)});
    return (std::uint64_t(block[1]) << 32) | block[0];
}

RandomStream::RandomStream(std::uint64_t seed, std::uint64_t stream)
    : key_{std::uint32_t(seed), std::uint32_t(seed >> 32)}, stream_(stream) {}

void RandomStream::refill() {
    buffer_ = philox4x32_10(
        {std::uint32_t(block_), std::uint32_t(block_ >> 32), std::uint32_t(stream_), std::uint32_t(stream_ >> 32)},
        key_);
    ++block_;
    index_ = 0;
}

double RandomStream::uniform01() {
    return double(next_u64() >> 11) * 0x1.0p-53;
}

double RandomStream::uniform_open0() {
    return (double(next_u64() >> 11) + 1.0) * 0x1.0p-53;
}

std::uint64_t RandomStream::uniform_below_slow(std::uint64_t n, u128 m) {
    const std::uint64_t threshold = (0 - n) % n;
    while (std::uint64_t(m) < threshold) m = u128(next_u64()) * n;
    return std::uint64_t(m >> 64);
}

double RandomStream::exponential(double mean) {
    return -mean * std::log(uniform_open0());
}

double RandomStream::normal() {
    double u1 = uniform_open0();
    double u2 = uniform01();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

void RandomStream::seek(std::uint64_t position) {
    block_ = position / 4;
    index_ = 4;
    unsigned within = unsigned(position % 4);
    if (within != 0) {
        refill();
        index_ = within;
    }
}

}  // namespace qdes
