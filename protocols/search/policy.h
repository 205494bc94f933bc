#pragma once
/// A small policy network in Eigen for the circuit search: features -> tanh hidden layer -> one logit per action,
/// a softmax over the allowed actions only (masked actions get probability 0, so they are never sampled). Trained
/// by policy gradient: accumulate() adds the gradient of advantage x log pi(action | state) plus an entropy bonus,
/// step() takes one Adam step uphill (Kingma and Ba, "Adam: a method for stochastic optimization", 2015).

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace qdes::search {

class Policy {
  public:
    /// Weights drawn from N(0, 1/fan_in) with the given seed; the output layer starts at zero (a uniform policy
    /// over the allowed actions).
    Policy(std::size_t inputs, std::size_t hidden, std::size_t actions, std::uint64_t seed);
    std::size_t inputs() const { return std::size_t(w1_.cols()); }
    std::size_t actions() const { return std::size_t(w2_.rows()); }

    /// Action probabilities for features `x` under `mask` (1: allowed); at least one action must be allowed.
    Eigen::VectorXd probabilities(const Eigen::VectorXd& x, const std::vector<std::uint8_t>& mask) const;

    /// Adds to the gradient: advantage x d log pi(action | x) + entropy_weight x d H(pi(. | x)).
    void accumulate(const Eigen::VectorXd& x, const std::vector<std::uint8_t>& mask, std::size_t action,
                    double advantage, double entropy_weight);
    /// One Adam step uphill along the accumulated gradient (divided by `count`), then clears it.
    void step(double learning_rate, double count);

    /// The objective whose gradient accumulate() adds, for one sample (tests check the gradient against it).
    double objective(const Eigen::VectorXd& x, const std::vector<std::uint8_t>& mask, std::size_t action,
                     double advantage, double entropy_weight) const;
    /// Parameters and gradient as one flat vector (tests).
    Eigen::VectorXd parameters() const;
    void set_parameters(const Eigen::VectorXd& p);
    Eigen::VectorXd gradient() const;

  private:
    Eigen::VectorXd logits(const Eigen::VectorXd& x, Eigen::VectorXd& hidden) const;

    Eigen::MatrixXd w1_, w2_;
    Eigen::VectorXd b1_, b2_;
    Eigen::MatrixXd g_w1_, g_w2_;
    Eigen::VectorXd g_b1_, g_b2_;
    Eigen::VectorXd m_, v_;  ///< Adam moments, flat
    std::uint64_t t_ = 0;
};

}  // namespace qdes::search
