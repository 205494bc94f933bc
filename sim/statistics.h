#pragma once
/// Statistics that components keep and the run reports: counters, tallies of observations, and time averages.
///
/// Every estimate comes with a standard error from the method of batch means, so that correlated observations (the
/// waiting times of successive customers, a queue length over time) are not treated as independent. Batches double
/// in size whenever 2B of them are complete (B = kMinBatches), so between B and 2B - 1 complete batches are always
/// kept, in O(B) memory, however long the run (Schmeiser, "Batch size effects in the analysis of simulation
/// output", Operations Research 30(3), 1982, on why 10 to 30 batches suffice).
///
/// `reset(now)` discards everything observed so far; the simulation calls it at the end of the warm-up period.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/time.h"

namespace qdes {

class StateWriter;
class StateReader;

/// What a statistic reports.
struct StatSummary {
    std::string kind;         ///< "counter", "tally", "time_average" or "estimate"
    std::uint64_t count = 0;  ///< events counted, observations tallied, or batches for a time average
    double mean = 0;          ///< counter: the count; tally: mean observation; time average: mean level
    double std_error = std::numeric_limits<double>::quiet_NaN();  ///< batch-means standard error of `mean`
    std::uint64_t batches = 0;                                    ///< complete batches behind std_error
    double min = std::numeric_limits<double>::quiet_NaN();
    double max = std::numeric_limits<double>::quiet_NaN();
};

class Statistic {
  public:
    virtual ~Statistic() = default;
    virtual StatSummary summary(TimePs now) const = 0;
    virtual void reset(TimePs now) = 0;
    /// Checkpoints (sim/checkpoint.h): everything the statistic has observed, and back.
    virtual void save_state(StateWriter& w) const = 0;
    virtual void restore_state(StateReader& r) = 0;
};

/// Batch means over a sequence of equally weighted batch values.
class BatchMeans {
  public:
    static constexpr std::size_t kMinBatches = 32;

    /// Adds one observation with weight `weight` (1 for a tally, a duration for a time average).
    void add(double value_times_weight, double weight);
    /// Standard error of the overall mean from the complete batches (NaN with fewer than kMinBatches... or 2).
    double std_error() const;
    std::size_t batches() const { return sums_.size(); }
    /// Weight per complete batch (observations, or picoseconds for a time average).
    double batch_weight() const { return batch_weight_; }
    void reset(double first_batch_weight);
    void save_state(StateWriter& w) const;
    void restore_state(StateReader& r);

  private:
    void close_batch();

    double batch_weight_ = 1;  ///< a batch is complete when its weight reaches this
    double current_sum_ = 0;   ///< weighted sum of the batch being filled
    double current_weight_ = 0;
    std::vector<double> sums_;  ///< weighted sums of complete batches
};

/// Counts events (customers served, tokens passed).
class Counter final : public Statistic {
  public:
    void add(std::uint64_t n = 1) { count_ += n; }
    std::uint64_t count() const { return count_; }
    StatSummary summary(TimePs now) const override;
    void reset(TimePs) override { count_ = 0; }
    void save_state(StateWriter& w) const override;
    void restore_state(StateReader& r) override;

  private:
    std::uint64_t count_ = 0;
};

/// Mean, spread and extremes of a sequence of observations (waiting times, sizes).
class Tally final : public Statistic {
  public:
    void add(double x);
    std::uint64_t count() const { return count_; }
    double mean() const { return mean_; }
    /// Sample variance of the observations (not of the mean).
    double variance() const { return count_ > 1 ? m2_ / double(count_ - 1) : 0.0; }
    StatSummary summary(TimePs now) const override;
    void reset(TimePs) override;
    void save_state(StateWriter& w) const override;
    void restore_state(StateReader& r) override;

  private:
    std::uint64_t count_ = 0;
    double mean_ = 0, m2_ = 0;
    double min_ = std::numeric_limits<double>::infinity(), max_ = -std::numeric_limits<double>::infinity();
    BatchMeans batches_;
};

/// A value computed by an estimator at the end of a run (a lifetime, a rate), with its standard error and a
/// confidence interval reported as min and max. Not reset by the warm-up: it is set, not accumulated.
class Estimate final : public Statistic {
  public:
    /// `count`: the observations behind it (failures, shots).
    void set(double value, double std_error, double lower, double upper, std::uint64_t count);
    bool has_value() const { return set_; }
    double value() const { return value_; }
    StatSummary summary(TimePs now) const override;
    void reset(TimePs) override {}
    void save_state(StateWriter& w) const override;
    void restore_state(StateReader& r) override;

  private:
    bool set_ = false;
    double value_ = std::numeric_limits<double>::quiet_NaN();
    double std_error_ = std::numeric_limits<double>::quiet_NaN();
    double lower_ = std::numeric_limits<double>::quiet_NaN(), upper_ = std::numeric_limits<double>::quiet_NaN();
    std::uint64_t count_ = 0;
};

/// Time-weighted mean of a piecewise-constant level (queue length, busy servers).
class TimeAverage final : public Statistic {
  public:
    explicit TimeAverage(TimePs first_batch_ps = kNanosecond) : first_batch_ps_(first_batch_ps) { reset(0); }
    /// The level changes to `level` at time `now` (now never decreases).
    void set(TimePs now, double level);
    double level() const { return level_; }
    /// Mean level over [start of observation, now].
    double mean(TimePs now) const;
    StatSummary summary(TimePs now) const override;
    void reset(TimePs now) override;
    void save_state(StateWriter& w) const override;
    void restore_state(StateReader& r) override;

  private:
    void advance(TimePs now);

    TimePs first_batch_ps_;
    TimePs start_ = 0, last_ = 0;
    double level_ = 0, integral_ = 0;  ///< integral in level x picoseconds
    double min_ = 0, max_ = 0;
    TimePs batch_end_ = 0;
    BatchMeans batches_;
};

}  // namespace qdes
