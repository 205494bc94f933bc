#pragma once
/// The exact reference: a circuit run on density matrices (Eigen), branching on every measurement, so that the
/// probability of every measurement record is known exactly. For up to about 10 qubits and 16 measurements; tests
/// hold the frame sampler to it.

#include <Eigen/Dense>
#include <cstdint>
#include <map>
#include <vector>

#include "models/quantum/circuit.h"

namespace qdes::quantum {

class DensityMatrixSimulator {
  public:
    static constexpr std::uint32_t kMaxQubits = 12;
    static constexpr std::uint32_t kMaxMeasurements = 20;

    /// Runs the whole circuit (loops unrolled), with its noise. Throws std::invalid_argument when the circuit is
    /// larger than the limits above.
    explicit DensityMatrixSimulator(const Circuit& circuit);

    /// Probability of every measurement record that can occur (bit i is measurement i).
    const std::map<std::uint64_t, double>& records() const { return records_; }
    /// The state averaged over every record.
    Eigen::MatrixXcd final_state() const;
    /// Probability that the XOR of the given measurements is 1.
    double parity_probability(std::uint64_t measurement_mask) const;
    /// Measurement masks of the detectors and observables, in order.
    const std::vector<std::uint64_t>& detectors() const { return detectors_; }
    const std::vector<std::uint64_t>& observables() const { return observables_; }
    std::uint32_t num_qubits() const { return n_; }

  private:
    struct Branch {
        Eigen::MatrixXcd rho;
    };
    void block(const Circuit& c, std::uint32_t b);
    void instruction(const Instruction& in);
    /// rho -> U rho U^dagger for a gate that maps basis state i to phase(i) |perm(i)>.
    template <class F>
    void monomial(F&& f);
    void hadamard(std::uint32_t q);
    /// rho -> sum_k w_k P_k rho P_k over Paulis given as (x mask, z mask, weight).
    void pauli_channel(const std::vector<std::tuple<std::uint64_t, std::uint64_t, double>>& terms);
    void measure(std::uint32_t q, double flip, bool reset_after);
    void reset(std::uint32_t q);

    std::uint32_t n_;
    std::uint64_t dim_;
    std::uint32_t measured_ = 0;
    std::map<std::uint64_t, Eigen::MatrixXcd> branches_;  ///< record -> unnormalised state
    std::map<std::uint64_t, double> records_;
    std::vector<std::uint64_t> detectors_, observables_;
};

}  // namespace qdes::quantum
