#pragma once
/// A rows x shots table of bits, 64 shots per word, rows padded to whole 512-bit vectors and aligned to 64 bytes,
/// so that one operation over a row is a few AVX-512 (or AVX2) instructions.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

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
    /// A copy (tables move but do not copy implicitly: they are large).
    BitTable clone() const {
        BitTable t;
        t.rows_ = rows_;
        t.words_ = words_;
        const std::size_t n = std::max<std::size_t>(1, rows_ * words_);
        t.data_.reset(static_cast<std::uint64_t*>(::operator new[](n * 8, std::align_val_t(64))));
        std::copy(data_.get(), data_.get() + n, t.data_.get());
        return t;
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

/// Per-shot counts of set bits across many rows, kept bit-sliced: plane k holds bit k of every shot's count, so
/// adding a row costs a few word operations per 64 shots instead of one per shot.
class ShotCounts {
  public:
    /// Counts up to `max_count` for `words` x 64 shots.
    ShotCounts(std::size_t max_count, std::size_t words)
        : planes_(std::size_t(std::bit_width(max_count)) + 1), words_(words), planes_bits_(planes_ * words, 0) {}

    /// Adds one row of `words` words (a 1 bit adds one to that shot's count).
    void add(const std::uint64_t* row) {
        for (std::size_t w = 0; w < words_; ++w) {
            std::uint64_t carry = row[w];
            for (std::size_t k = 0; carry && k < planes_; ++k) {
                std::uint64_t& plane = planes_bits_[k * words_ + w];
                const std::uint64_t next = plane & carry;
                plane ^= carry;
                carry = next;
            }
        }
    }

    std::uint64_t count(std::size_t shot) const {
        std::uint64_t c = 0;
        for (std::size_t k = 0; k < planes_; ++k) c |= ((planes_bits_[k * words_ + shot / 64] >> (shot % 64)) & 1) << k;
        return c;
    }

    /// out[w] bit s is set when shot 64 w + s counted more than `limit`, compared plane by plane from the top.
    void above(std::uint64_t limit, std::uint64_t* out) const {
        for (std::size_t w = 0; w < words_; ++w) {
            std::uint64_t greater = 0, equal = ~std::uint64_t(0);
            for (std::size_t k = planes_; k-- > 0;) {
                const std::uint64_t c = planes_bits_[k * words_ + w];
                const std::uint64_t l = ((limit >> k) & 1) ? ~std::uint64_t(0) : 0;
                greater |= equal & c & ~l;
                equal &= ~(c ^ l);
            }
            out[w] = greater;
        }
    }

  private:
    std::size_t planes_, words_;
    std::vector<std::uint64_t> planes_bits_;
};

}  // namespace qdes::quantum
