#include "models/quantum/codes/rotated_surface.h"

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>
#include <string>

namespace qdes::quantum {

namespace {

struct Point {
    int x, y;
    auto operator<=>(const Point&) const = default;  // x first, then y: Stim's order for checks
    Point operator+(Point o) const { return {x + o.x, y + o.y}; }
};

constexpr std::array<Point, 4> kXOrder{{{1, 1}, {-1, 1}, {1, -1}, {-1, -1}}};  // data - measure, X-type checks
constexpr std::array<Point, 4> kZOrder{{{1, 1}, {1, -1}, {-1, 1}, {-1, -1}}};  // data - measure, Z-type checks

class Layout {
  public:
    explicit Layout(std::uint32_t d) : d_(int(d)) {
        for (int i = 0; i < d_; ++i)
            for (int j = 0; j < d_; ++j) data_.push_back({2 * i + 1, 2 * j + 1});
        for (int i = 0; i <= d_; ++i)
            for (int j = 0; j <= d_; ++j) {
                const bool odd = (i + j) % 2 == 1;
                if ((i == 0 || i == d_) && odd) continue;
                if ((j == 0 || j == d_) && !odd) continue;
                (odd ? x_checks_ : z_checks_).push_back({2 * i, 2 * j});
            }
        auto by_index = [&](Point a, Point b) { return index(a) < index(b); };
        std::sort(data_.begin(), data_.end(), by_index);
        measures_ = x_checks_;
        measures_.insert(measures_.end(), z_checks_.begin(), z_checks_.end());
        std::sort(measures_.begin(), measures_.end(), by_index);
        std::sort(x_checks_.begin(), x_checks_.end());
        std::sort(z_checks_.begin(), z_checks_.end());
        for (std::size_t k = 0; k < data_.size(); ++k) data_pos_[data_[k]] = k;
        for (std::size_t k = 0; k < measures_.size(); ++k) measure_pos_[measures_[k]] = k;
    }

    std::uint32_t index(Point p) const { return std::uint32_t(p.x + (p.y / 2) * (2 * d_ + 1)); }
    std::vector<std::uint32_t> indices(std::vector<Point> ps) const {
        std::sort(ps.begin(), ps.end(), [&](Point a, Point b) { return index(a) < index(b); });
        std::vector<std::uint32_t> out;
        for (Point p : ps) out.push_back(index(p));
        return out;
    }
    bool is_data(Point p) const { return data_pos_.count(p) > 0; }

    int d_;
    std::vector<Point> data_, x_checks_, z_checks_, measures_;  ///< data and measures by index, checks by (x, y)
    std::map<Point, std::size_t> data_pos_, measure_pos_;
};

void check_probability(double p, const char* name) {
    if (!(p >= 0 && p <= 1))
        throw std::invalid_argument(std::string("rotated surface code: ") + name + " " + std::to_string(p) +
                                    " is not a probability in [0, 1]");
}

class Generator {
  public:
    Generator(const RotatedSurfaceOptions& o) : o_(o), L_(o.distance) {
        data_ = L_.indices(L_.data_);
        measures_ = L_.indices(L_.measures_);
        x_measures_ = L_.indices(L_.x_checks_);
        const auto& basis_checks = o.basis == 'X' ? L_.x_checks_ : L_.z_checks_;
        basis_checks_ = basis_checks;
    }

    Circuit run() {
        Circuit c;
        c.source = "<rotated surface code d=" + std::to_string(o_.distance) + ">";
        CircuitBuilder top(c);
        std::vector<Point> all = L_.data_;
        all.insert(all.end(), L_.measures_.begin(), L_.measures_.end());
        std::sort(all.begin(), all.end(), [&](Point a, Point b) { return L_.index(a) < L_.index(b); });
        for (Point p : all) top.add(Gate::kQubitCoords, {L_.index(p)}, {double(p.x), double(p.y)});
        const bool x = o_.basis == 'X';
        top.add(x ? Gate::kRX : Gate::kR, data_);
        noise(top, x ? Gate::kZError : Gate::kXError, o_.after_reset_flip_probability, data_);
        top.add(Gate::kR, measures_);
        noise(top, Gate::kXError, o_.after_reset_flip_probability, measures_);
        top.tick();
        round(top);
        const std::uint32_t M = std::uint32_t(measures_.size());
        for (Point m : basis_checks_)
            top.detector({M - std::uint32_t(L_.measure_pos_.at(m))}, {double(m.x), double(m.y), 0});
        if (o_.rounds > 1) {
            CircuitBuilder body = top.repeat(o_.rounds - 1);
            body.tick();
            round(body);
            body.add(Gate::kShiftCoords, {}, {0, 0, 1});
            for (std::uint32_t k = 0; k < M; ++k) {
                const Point m = L_.measures_[k];
                body.detector({M - k, 2 * M - k}, {double(m.x), double(m.y), 0});
            }
        }
        noise(top, x ? Gate::kZError : Gate::kXError, o_.before_measure_flip_probability, data_);
        top.add(x ? Gate::kMX : Gate::kM, data_);
        const std::uint32_t N = std::uint32_t(data_.size());
        for (Point m : basis_checks_) {
            std::vector<std::uint32_t> recs;
            for (Point off : kXOrder)  // Stim lists the data in this order for both kinds of check
                if (L_.is_data(m + off)) recs.push_back(N - std::uint32_t(L_.data_pos_.at(m + off)));
            recs.push_back(N + M - std::uint32_t(L_.measure_pos_.at(m)));
            top.detector(recs, {double(m.x), double(m.y), 1});
        }
        std::vector<std::uint32_t> obs;
        for (std::size_t k = L_.data_.size(); k-- > 0;)
            if ((x ? L_.data_[k].x : L_.data_[k].y) == 1) obs.push_back(N - std::uint32_t(k));
        top.observable(0, obs);
        return c;
    }

  private:
    static void noise(CircuitBuilder& b, Gate g, double p, const std::vector<std::uint32_t>& qubits) {
        if (p > 0) b.add(g, qubits, {p});
    }

    void round(CircuitBuilder& b) {
        const double p1 = o_.after_clifford_depolarization;
        noise(b, Gate::kDepolarize1, o_.before_round_data_depolarization, data_);
        b.add(Gate::kH, x_measures_);
        noise(b, Gate::kDepolarize1, p1, x_measures_);
        b.tick();
        for (int layer = 0; layer < 4; ++layer) {
            std::vector<std::uint32_t> pairs;
            for (Point m : L_.x_checks_)
                if (L_.is_data(m + kXOrder[layer])) {
                    pairs.push_back(L_.index(m));
                    pairs.push_back(L_.index(m + kXOrder[layer]));
                }
            for (Point m : L_.z_checks_)
                if (L_.is_data(m + kZOrder[layer])) {
                    pairs.push_back(L_.index(m + kZOrder[layer]));
                    pairs.push_back(L_.index(m));
                }
            b.add(Gate::kCX, pairs);
            noise(b, Gate::kDepolarize2, p1, pairs);
            b.tick();
        }
        b.add(Gate::kH, x_measures_);
        noise(b, Gate::kDepolarize1, p1, x_measures_);
        b.tick();
        noise(b, Gate::kXError, o_.before_measure_flip_probability, measures_);
        b.add(Gate::kMR, measures_);
        noise(b, Gate::kXError, o_.after_reset_flip_probability, measures_);
    }

    const RotatedSurfaceOptions& o_;
    Layout L_;
    std::vector<std::uint32_t> data_, measures_, x_measures_;
    std::vector<Point> basis_checks_;
};

}  // namespace

RotatedSurfaceOptions RotatedSurfaceOptions::uniform(std::uint32_t d, std::uint64_t rounds, char basis, double p) {
    RotatedSurfaceOptions o;
    o.distance = d;
    o.rounds = rounds;
    o.basis = basis;
    o.after_clifford_depolarization = o.before_round_data_depolarization = p;
    o.before_measure_flip_probability = o.after_reset_flip_probability = p;
    return o;
}

Circuit rotated_surface_memory(const RotatedSurfaceOptions& o) {
    if (o.distance < 2) throw std::invalid_argument("rotated surface code: the distance must be at least 2");
    if (o.distance > 1000) throw std::invalid_argument("rotated surface code: a distance above 1000 is not supported");
    if (o.rounds == 0) throw std::invalid_argument("rotated surface code: at least one round is needed");
    if (o.basis != 'X' && o.basis != 'Z') throw std::invalid_argument("rotated surface code: the basis must be X or Z");
    check_probability(o.after_clifford_depolarization, "after_clifford_depolarization");
    check_probability(o.before_round_data_depolarization, "before_round_data_depolarization");
    check_probability(o.before_measure_flip_probability, "before_measure_flip_probability");
    check_probability(o.after_reset_flip_probability, "after_reset_flip_probability");
    return Generator(o).run();
}

}  // namespace qdes::quantum
