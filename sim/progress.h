#pragma once
/// Progress of a long run on a terminal: simulated time, events per second, wall time and estimated time left.
///
/// `ProgressReporter` redraws one status line (carriage return, no scrolling) at most every `interval`. It is off
/// when the stream is not a terminal unless forced on, so logs and pipes stay clean.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "sim/time.h"

namespace qdes {

struct ProgressSample {
    TimePs sim_time_ps = 0;
    std::uint64_t events = 0;
    double wall_seconds = 0;
    double fraction_done = -1;  ///< in [0, 1], or negative when the end cannot be foreseen
};

enum class ProgressMode { kAuto, kOn, kOff };

class ProgressReporter {
  public:
    /// `stream` is usually stderr. kAuto reports only when the stream is a terminal.
    ProgressReporter(std::FILE* stream, ProgressMode mode, double interval_seconds = 0.5);
    bool enabled() const { return enabled_; }
    /// Redraws the line if `interval` has passed since the last redraw.
    void update(const ProgressSample& sample);
    /// Draws the final state and ends the line.
    void done(const ProgressSample& sample);
    /// The status line for a sample (exposed for tests).
    static std::string format(const ProgressSample& sample);

  private:
    std::FILE* stream_;
    bool enabled_;
    bool drawn_ = false;
    double interval_seconds_;
    double last_draw_wall_ = -1e300;
};

}  // namespace qdes
