#include "sim/statistics.h"

#include <algorithm>
#include <cmath>

#include "sim/checkpoint.h"

namespace qdes {

void BatchMeans::reset(double first_batch_weight) {
    batch_weight_ = first_batch_weight;
    current_sum_ = current_weight_ = 0;
    sums_.clear();
}

void BatchMeans::add(double value_times_weight, double weight) {
    current_sum_ += value_times_weight;
    current_weight_ += weight;
    if (current_weight_ >= batch_weight_) close_batch();
}

void BatchMeans::close_batch() {
    sums_.push_back(current_sum_);
    current_sum_ = current_weight_ = 0;
    if (sums_.size() == 2 * kMinBatches) {
        for (std::size_t i = 0; i < kMinBatches; ++i) sums_[i] = sums_[2 * i] + sums_[2 * i + 1];
        sums_.resize(kMinBatches);
        batch_weight_ *= 2;
    }
}

double BatchMeans::std_error() const {
    const std::size_t k = sums_.size();
    if (k < 2) return std::numeric_limits<double>::quiet_NaN();
    double mean = 0;
    for (double s : sums_) mean += s / batch_weight_;
    mean /= double(k);
    double ss = 0;
    for (double s : sums_) ss += (s / batch_weight_ - mean) * (s / batch_weight_ - mean);
    return std::sqrt(ss / double(k - 1) / double(k));
}

StatSummary Counter::summary(TimePs) const {
    StatSummary s;
    s.kind = "counter";
    s.count = count_;
    s.mean = double(count_);
    s.std_error = 0;
    return s;
}

void Tally::add(double x) {
    ++count_;
    double delta = x - mean_;
    mean_ += delta / double(count_);
    m2_ += delta * (x - mean_);
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
    batches_.add(x, 1.0);
}

void Tally::reset(TimePs) {
    count_ = 0;
    mean_ = m2_ = 0;
    min_ = std::numeric_limits<double>::infinity();
    max_ = -std::numeric_limits<double>::infinity();
    batches_.reset(1.0);
}

void Estimate::set(double value, double std_error, double lower, double upper, std::uint64_t count) {
    set_ = true;
    value_ = value;
    std_error_ = std_error;
    lower_ = lower;
    upper_ = upper;
    count_ = count;
}

StatSummary Estimate::summary(TimePs) const {
    StatSummary s;
    s.kind = "estimate";
    s.count = count_;
    s.mean = value_;
    s.std_error = std_error_;
    s.min = lower_;
    s.max = upper_;
    return s;
}

StatSummary Tally::summary(TimePs) const {
    StatSummary s;
    s.kind = "tally";
    s.count = count_;
    s.mean = count_ ? mean_ : std::numeric_limits<double>::quiet_NaN();
    s.std_error = batches_.std_error();
    s.batches = batches_.batches();
    if (count_) {
        s.min = min_;
        s.max = max_;
    }
    return s;
}

void TimeAverage::reset(TimePs now) {
    start_ = last_ = now;
    integral_ = 0;
    min_ = max_ = level_;
    batch_end_ = now + first_batch_ps_;
    batches_.reset(double(first_batch_ps_));
}

void TimeAverage::advance(TimePs now) {
    // Split [last_, now) at batch boundaries; a batch boundary moves out as batches double.
    while (now >= batch_end_) {
        double span = double(batch_end_ - last_);
        integral_ += level_ * span;
        batches_.add(level_ * span, span);
        last_ = batch_end_;
        batch_end_ = last_ + TimePs(batches_.batch_weight());
    }
    double span = double(now - last_);
    integral_ += level_ * span;
    batches_.add(level_ * span, span);
    last_ = now;
}

void TimeAverage::set(TimePs now, double level) {
    advance(now);
    level_ = level;
    min_ = std::min(min_, level);
    max_ = std::max(max_, level);
}

double TimeAverage::mean(TimePs now) const {
    if (now <= start_) return level_;
    return (integral_ + level_ * double(now - last_)) / double(now - start_);
}

StatSummary TimeAverage::summary(TimePs now) const {
    StatSummary s;
    s.kind = "time_average";
    s.mean = mean(now);
    s.std_error = batches_.std_error();
    s.batches = batches_.batches();
    s.count = s.batches;
    s.min = min_;
    s.max = max_;
    return s;
}

}  // namespace qdes

// Checkpoints: the fields in declaration order.
namespace qdes {

void BatchMeans::save_state(StateWriter& w) const {
    w.f64(batch_weight_);
    w.f64(current_sum_);
    w.f64(current_weight_);
    w.vec(sums_);
}

void BatchMeans::restore_state(StateReader& r) {
    batch_weight_ = r.f64();
    current_sum_ = r.f64();
    current_weight_ = r.f64();
    r.vec(sums_);
}

void Counter::save_state(StateWriter& w) const {
    w.u64(count_);
}
void Counter::restore_state(StateReader& r) {
    count_ = r.u64();
}

void Tally::save_state(StateWriter& w) const {
    w.u64(count_);
    w.f64(mean_);
    w.f64(m2_);
    w.f64(min_);
    w.f64(max_);
    batches_.save_state(w);
}

void Tally::restore_state(StateReader& r) {
    count_ = r.u64();
    mean_ = r.f64();
    m2_ = r.f64();
    min_ = r.f64();
    max_ = r.f64();
    batches_.restore_state(r);
}

void Estimate::save_state(StateWriter& w) const {
    w.flag(set_);
    w.f64(value_);
    w.f64(std_error_);
    w.f64(lower_);
    w.f64(upper_);
    w.u64(count_);
}

void Estimate::restore_state(StateReader& r) {
    set_ = r.flag();
    value_ = r.f64();
    std_error_ = r.f64();
    lower_ = r.f64();
    upper_ = r.f64();
    count_ = r.u64();
}

void TimeAverage::save_state(StateWriter& w) const {
    w.u64(first_batch_ps_);
    w.u64(start_);
    w.u64(last_);
    w.f64(level_);
    w.f64(integral_);
    w.f64(min_);
    w.f64(max_);
    w.u64(batch_end_);
    batches_.save_state(w);
}

void TimeAverage::restore_state(StateReader& r) {
    first_batch_ps_ = r.u64();
    start_ = r.u64();
    last_ = r.u64();
    level_ = r.f64();
    integral_ = r.f64();
    min_ = r.f64();
    max_ = r.f64();
    batch_end_ = r.u64();
    batches_.restore_state(r);
}

}  // namespace qdes
