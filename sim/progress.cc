#include "sim/progress.h"

#include <unistd.h>

#include <cmath>

#include "sim/units.h"

namespace qdes {
namespace {
std::string wall_text(double seconds) {
    char buf[32];
    if (seconds < 60) {
        std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    } else if (seconds < 3600) {
        std::snprintf(buf, sizeof buf, "%dm%02ds", int(seconds / 60), int(seconds) % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%dh%02dm", int(seconds / 3600), int(seconds / 60) % 60);
    }
    return buf;
}
}  // namespace

ProgressReporter::ProgressReporter(std::FILE* stream, ProgressMode mode, double interval_seconds)
    : stream_(stream), interval_seconds_(interval_seconds) {
    enabled_ = mode == ProgressMode::kOn || (mode == ProgressMode::kAuto && isatty(fileno(stream)));
}

std::string ProgressReporter::format(const ProgressSample& s) {
    char rate[32];
    double per_second = s.wall_seconds > 0 ? double(s.events) / s.wall_seconds : 0;
    if (per_second >= 1e6)
        std::snprintf(rate, sizeof rate, "%.2f M", per_second / 1e6);
    else if (per_second >= 1e3)
        std::snprintf(rate, sizeof rate, "%.1f k", per_second / 1e3);
    else
        std::snprintf(rate, sizeof rate, "%.0f ", per_second);
    std::string line = "sim " + format_duration_short(s.sim_time_ps) + " | " + std::to_string(s.events) + " events, " +
                       rate + "events/s | wall " + wall_text(s.wall_seconds);
    if (s.fraction_done >= 0) {
        char pct[16];
        std::snprintf(pct, sizeof pct, "%.1f%%", 100.0 * std::min(s.fraction_done, 1.0));
        line += std::string(" | ") + pct;
        if (s.fraction_done > 1e-6 && s.fraction_done < 1) {
            line += ", " + wall_text(s.wall_seconds * (1 - s.fraction_done) / s.fraction_done) + " left";
        }
    }
    return line;
}

void ProgressReporter::update(const ProgressSample& sample) {
    if (!enabled_ || sample.wall_seconds - last_draw_wall_ < interval_seconds_) return;
    last_draw_wall_ = sample.wall_seconds;
    std::fprintf(stream_, "\r\033[K%s", format(sample).c_str());
    std::fflush(stream_);
    drawn_ = true;
}

void ProgressReporter::done(const ProgressSample& sample) {
    if (!enabled_ || !drawn_) return;
    std::fprintf(stream_, "\r\033[K%s\n", format(sample).c_str());
    std::fflush(stream_);
}

}  // namespace qdes
