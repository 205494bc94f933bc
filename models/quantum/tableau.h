#pragma once
/// A single-shot stabilizer simulator (Aaronson and Gottesman, "Improved simulation of stabilizer circuits",
/// PRA 70, 052328 (2004)): n destabilizer and n stabilizer rows, each a bit-packed Pauli string with a sign.
/// The circuit compiler runs the noiseless circuit on it once, to learn which qubits hold a definite
/// computational-basis value, and which, wherever a CCX, CCZ or MCX needs its controls to be classical.

#include <cstdint>
#include <vector>

namespace qdes::quantum {

class StabilizerTableau {
  public:
    explicit StabilizerTableau(std::uint32_t num_qubits);  ///< every qubit |0>

    std::uint32_t num_qubits() const { return n_; }

    void x(std::uint32_t q);
    void y(std::uint32_t q);
    void z(std::uint32_t q);
    void h(std::uint32_t q);
    void s(std::uint32_t q);
    void s_dag(std::uint32_t q);
    void cx(std::uint32_t c, std::uint32_t t);
    void cz(std::uint32_t a, std::uint32_t b);
    void swap(std::uint32_t a, std::uint32_t b);

    /// True when measuring Z on q has a certain outcome.
    bool is_deterministic(std::uint32_t q) const;
    /// The certain outcome of measuring Z on q; requires is_deterministic(q).
    bool peek(std::uint32_t q) const;
    /// Measures Z on q; a random outcome is taken as 0 (the reference sample's choice), and the state collapses.
    bool measure(std::uint32_t q);
    void reset(std::uint32_t q);  ///< to |0>

    bool operator==(const StabilizerTableau& o) const {
        return n_ == o.n_ && bits_ == o.bits_ && signs_ == o.signs_;
    }

  private:
    std::uint64_t* xs(std::uint32_t row) { return &bits_[std::size_t(row) * 2 * words_]; }
    std::uint64_t* zs(std::uint32_t row) { return &bits_[std::size_t(row) * 2 * words_ + words_]; }
    const std::uint64_t* xs(std::uint32_t row) const { return &bits_[std::size_t(row) * 2 * words_]; }
    const std::uint64_t* zs(std::uint32_t row) const { return &bits_[std::size_t(row) * 2 * words_ + words_]; }
    bool xbit(std::uint32_t row, std::uint32_t q) const { return (xs(row)[q >> 6] >> (q & 63)) & 1; }
    bool zbit(std::uint32_t row, std::uint32_t q) const { return (zs(row)[q >> 6] >> (q & 63)) & 1; }
    /// row h := row i * row h, with the sign of the product (Aaronson and Gottesman's rowsum).
    void rowsum(std::uint32_t h, std::uint32_t i);
    /// Sign bit of the product of the stabilizer rows whose destabilizers anticommute with Z_q.
    bool deterministic_value(std::uint32_t q) const;

    std::uint32_t n_;
    std::size_t words_;
    std::vector<std::uint64_t> bits_;  ///< 2n rows (destabilizers, then stabilizers), x words then z words
    std::vector<std::uint8_t> signs_;  ///< 2n rows; 1 means a minus sign
};

}  // namespace qdes::quantum
