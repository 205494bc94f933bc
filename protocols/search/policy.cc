#include "protocols/search/policy.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/random.h"

namespace qdes::search {

Policy::Policy(std::size_t inputs, std::size_t hidden, std::size_t actions, std::uint64_t seed)
    : w1_(hidden, inputs),
      w2_(Eigen::MatrixXd::Zero(actions, hidden)),
      b1_(Eigen::VectorXd::Zero(hidden)),
      b2_(Eigen::VectorXd::Zero(actions)),
      g_w1_(Eigen::MatrixXd::Zero(hidden, inputs)),
      g_w2_(Eigen::MatrixXd::Zero(actions, hidden)),
      g_b1_(Eigen::VectorXd::Zero(hidden)),
      g_b2_(Eigen::VectorXd::Zero(actions)) {
    RandomStream rng(seed, stream_id("search", "policy_init"));
    const double scale = 1 / std::sqrt(double(inputs));
    for (Eigen::Index i = 0; i < w1_.size(); ++i) w1_.data()[i] = scale * rng.normal();
    m_ = Eigen::VectorXd::Zero(parameters().size());
    v_ = m_;
}

Eigen::VectorXd Policy::logits(const Eigen::VectorXd& x, Eigen::VectorXd& hidden) const {
    if (std::size_t(x.size()) != inputs()) throw std::invalid_argument("Policy: wrong number of features");
    hidden = (w1_ * x + b1_).array().tanh().matrix();
    return w2_ * hidden + b2_;
}

namespace {

Eigen::VectorXd masked_softmax(const Eigen::VectorXd& z, const std::vector<std::uint8_t>& mask) {
    if (mask.size() != std::size_t(z.size())) throw std::invalid_argument("Policy: mask of the wrong size");
    double top = -std::numeric_limits<double>::infinity();
    for (Eigen::Index i = 0; i < z.size(); ++i)
        if (mask[i]) top = std::max(top, z[i]);
    if (!std::isfinite(top)) throw std::invalid_argument("Policy: no action is allowed");
    Eigen::VectorXd p = Eigen::VectorXd::Zero(z.size());
    double sum = 0;
    for (Eigen::Index i = 0; i < z.size(); ++i)
        if (mask[i]) sum += p[i] = std::exp(z[i] - top);
    return p / sum;
}

}  // namespace

Eigen::VectorXd Policy::probabilities(const Eigen::VectorXd& x, const std::vector<std::uint8_t>& mask) const {
    Eigen::VectorXd h;
    return masked_softmax(logits(x, h), mask);
}

double Policy::objective(const Eigen::VectorXd& x, const std::vector<std::uint8_t>& mask, std::size_t action,
                         double advantage, double entropy_weight) const {
    const Eigen::VectorXd p = probabilities(x, mask);
    double entropy = 0;
    for (Eigen::Index i = 0; i < p.size(); ++i)
        if (p[i] > 0) entropy -= p[i] * std::log(p[i]);
    return advantage * std::log(p[Eigen::Index(action)]) + entropy_weight * entropy;
}

void Policy::accumulate(const Eigen::VectorXd& x, const std::vector<std::uint8_t>& mask, std::size_t action,
                        double advantage, double entropy_weight) {
    Eigen::VectorXd h;
    const Eigen::VectorXd p = masked_softmax(logits(x, h), mask);
    // d log p_a / d z = e_a - p; d H / d z_i = -p_i (log p_i + H), 0 for masked actions.
    double entropy = 0;
    for (Eigen::Index i = 0; i < p.size(); ++i)
        if (p[i] > 0) entropy -= p[i] * std::log(p[i]);
    Eigen::VectorXd dz = -advantage * p;
    dz[Eigen::Index(action)] += advantage;
    for (Eigen::Index i = 0; i < p.size(); ++i)
        if (p[i] > 0) dz[i] -= entropy_weight * p[i] * (std::log(p[i]) + entropy);
    g_w2_ += dz * h.transpose();
    g_b2_ += dz;
    const Eigen::VectorXd dh = (w2_.transpose() * dz).array() * (1 - h.array().square());
    g_w1_ += dh * x.transpose();
    g_b1_ += dh;
}

Eigen::VectorXd Policy::parameters() const {
    Eigen::VectorXd p(w1_.size() + b1_.size() + w2_.size() + b2_.size());
    p << Eigen::Map<const Eigen::VectorXd>(w1_.data(), w1_.size()), b1_,
        Eigen::Map<const Eigen::VectorXd>(w2_.data(), w2_.size()), b2_;
    return p;
}

Eigen::VectorXd Policy::gradient() const {
    Eigen::VectorXd g(g_w1_.size() + g_b1_.size() + g_w2_.size() + g_b2_.size());
    g << Eigen::Map<const Eigen::VectorXd>(g_w1_.data(), g_w1_.size()), g_b1_,
        Eigen::Map<const Eigen::VectorXd>(g_w2_.data(), g_w2_.size()), g_b2_;
    return g;
}

void Policy::set_parameters(const Eigen::VectorXd& p) {
    if (p.size() != parameters().size()) throw std::invalid_argument("Policy: wrong number of parameters");
    Eigen::Index at = 0;
    auto take = [&](double* dst, Eigen::Index n) {
        for (Eigen::Index i = 0; i < n; ++i) dst[i] = p[at + i];
        at += n;
    };
    take(w1_.data(), w1_.size());
    take(b1_.data(), b1_.size());
    take(w2_.data(), w2_.size());
    take(b2_.data(), b2_.size());
}

void Policy::step(double learning_rate, double count) {
    constexpr double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    const Eigen::VectorXd g = gradient() / std::max(count, 1.0);
    ++t_;
    m_ = beta1 * m_ + (1 - beta1) * g;
    v_ = beta2 * v_ + (1 - beta2) * g.cwiseProduct(g);
    const double c1 = 1 - std::pow(beta1, double(t_)), c2 = 1 - std::pow(beta2, double(t_));
    const Eigen::VectorXd step = learning_rate * (m_ / c1).array() / ((v_ / c2).array().sqrt() + eps);
    set_parameters(parameters() + step);
    g_w1_.setZero();
    g_w2_.setZero();
    g_b1_.setZero();
    g_b2_.setZero();
}

}  // namespace qdes::search
