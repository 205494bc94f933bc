#pragma once
/// A single-shot stabilizer simulator (Aaronson and Gottesman, "Improved simulation of stabilizer circuits",
/// PRA 70, 052328 (2004)): n destabilizer and n stabilizer rows, each a Pauli string with a sign. The circuit
/// compiler runs the noiseless circuit on it once, to learn which qubits hold a definite computational-basis value,
/// and which, wherever a CCX, CCZ or MCX needs its controls to be classical.
///
/// Stored by column: for each qubit, the X bits and the Z bits of all 2n rows (plus one scratch row) as bit vectors,
/// and the signs as a bit vector. A gate is then a few word operations over 2n / 64 words, which matters because
/// LEC circuits on thousands of qubits apply thousands of gates per round; row products (measurements) work on
/// all rows of a column at once, with the phases of many products counted bit-sliced.

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
    /// The certain outcome of measuring Z on q; requires is_deterministic(q). (Uses a scratch row, hence not const.)
    bool peek(std::uint32_t q);
    /// Measures Z on q; a random outcome is taken as 0 (the reference sample's choice), and the state collapses.
    bool measure(std::uint32_t q);
    /// Resets q to |0>, and rewrites the rows so that q's pair is exactly (X_q, +Z_q) at position q and no other row
    /// touches q. The state is the same, but the rows no longer remember how q was entangled, so a loop that resets
    /// its ancillas every round reaches a fixed point of the tableau, which the compiler's loop folding detects.
    void reset(std::uint32_t q);

    bool operator==(const StabilizerTableau& o) const { return n_ == o.n_ && xs_ == o.xs_ && zs_ == o.zs_ && signs_ == o.signs_; }

  private:
    std::uint64_t* xcol(std::uint32_t q) { return &xs_[std::size_t(q) * rw_]; }
    std::uint64_t* zcol(std::uint32_t q) { return &zs_[std::size_t(q) * rw_]; }
    const std::uint64_t* xcol(std::uint32_t q) const { return &xs_[std::size_t(q) * rw_]; }
    const std::uint64_t* zcol(std::uint32_t q) const { return &zs_[std::size_t(q) * rw_]; }
    static bool bit(const std::uint64_t* v, std::uint32_t r) { return (v[r >> 6] >> (r & 63)) & 1; }
    /// Every row r in `mask` becomes row p times row r (Aaronson and Gottesman's rowsum(r, p)), with its sign.
    void multiply_rows(std::uint32_t p, const std::vector<std::uint64_t>& mask);
    std::vector<std::uint64_t> single_row_mask(std::uint32_t r) const;
    void clear_row(std::uint32_t r);
    void copy_row(std::uint32_t from, std::uint32_t to);
    void swap_rows(std::uint32_t a, std::uint32_t b);

    std::uint32_t n_;
    std::uint32_t scratch_;  ///< row index 2n, for products
    std::size_t rw_;         ///< words per column: (2n + 1) rows
    std::vector<std::uint64_t> xs_, zs_;  ///< column-major
    std::vector<std::uint64_t> signs_;    ///< one bit per row; 1 means a minus sign
};

}  // namespace qdes::quantum
