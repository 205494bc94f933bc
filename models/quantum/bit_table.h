#pragma once
/// A rows x shots table of bits, 64 shots per word, rows padded to whole 512-bit vectors and aligned to 64 bytes,
/// so that one operation over a row is a few AVX-512 (or AVX2) instructions.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

namespace qdes::quantum {

class BitTable {
  public:
    static constexpr std::size_t kAlignWords = 8;  ///< 512 bits

    BitTable() = default;
    BitTable(std::size_t rows, std::size_t shots) { resize(rows, shots); }

    /// Words per row for this many shots (at least one 512-bit vector).
    static std::size_t words_for(std::size_t shots) {
        std::size_t w = (shots + 63) / 64;
        return std::max<std::size_t>(kAlignWords, (w + kAlignWords - 1) / kAlignWords * kAlignWords);
    }

    void resize(std::size_t rows, std::size_t shots) {
        rows_ = rows;
        words_ = words_for(shots);
        std::size_t n = std::max<std::size_t>(1, rows_ * words_);
        data_.reset(static_cast<std::uint64_t*>(::operator new[](n * 8, std::align_val_t(64))));
        clear();
    }
    void clear() {
        for (std::size_t i = 0; i < rows_ * words_; ++i) data_[i] = 0;
    }

    std::size_t rows() const { return rows_; }
    std::size_t words() const { return words_; }
    std::size_t shots_capacity() const { return words_ * 64; }
    std::uint64_t* row(std::size_t r) { return data_.get() + r * words_; }
    const std::uint64_t* row(std::size_t r) const { return data_.get() + r * words_; }
    bool get(std::size_t r, std::size_t shot) const { return (row(r)[shot >> 6] >> (shot & 63)) & 1; }
    void flip(std::size_t r, std::size_t shot) { row(r)[shot >> 6] ^= std::uint64_t(1) << (shot & 63); }

  private:
    struct Free {
        void operator()(std::uint64_t* p) const { ::operator delete[](p, std::align_val_t(64)); }
    };
    std::unique_ptr<std::uint64_t[], Free> data_;
    std::size_t rows_ = 0;
    std::size_t words_ = 0;
};

}  // namespace qdes::quantum
