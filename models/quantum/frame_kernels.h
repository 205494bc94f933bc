#pragma once
/// The word loops of the frame simulator. Each is compiled for AVX-512, AVX2 and plain x86-64 (GCC's
/// target_clones), and the loader picks the best the machine has, so one binary runs everywhere at full width.
/// Tables are row-major: row q of a table with W words per row starts at base + q * W.

#include <cstddef>
#include <cstdint>

namespace qdes::quantum::kernels {

void h(std::uint64_t* x, std::uint64_t* z, std::size_t W, const std::uint32_t* t, std::size_t n);
void s(std::uint64_t* x, std::uint64_t* z, std::size_t W, const std::uint32_t* t, std::size_t n);
void cx(std::uint64_t* x, std::uint64_t* z, std::size_t W, const std::uint32_t* t, std::size_t n);
void cz(std::uint64_t* x, std::uint64_t* z, std::size_t W, const std::uint32_t* t, std::size_t n);
void swap(std::uint64_t* x, std::uint64_t* z, std::size_t W, const std::uint32_t* t, std::size_t n);
/// Groups (c1, c2, t): dst_t ^= ((x_c1 ^ v1) & (x_c2 ^ v2)) ^ (v1 & v2), where v are the noiseless control
/// values. CCX passes the X table as dst, CCZ the Z table.
void ccx(const std::uint64_t* x, std::uint64_t* dst, std::size_t W, const std::uint32_t* t, std::size_t n,
         const std::uint8_t* values);
/// One gate: controls t[0..n-2], target t[n-1].
void mcx(const std::uint64_t* x, std::uint64_t* dst, std::size_t W, const std::uint32_t* t, std::size_t n,
         const std::uint8_t* values);
void xor_into(std::uint64_t* dst, const std::uint64_t* src, std::size_t W);
void copy(std::uint64_t* dst, const std::uint64_t* src, std::size_t W);

}  // namespace qdes::quantum::kernels
