#pragma once
/// Parsing and printing of quantities with units: durations, frequencies and byte sizes.
///
/// Every quantity in a scenario carries a unit ("250 ns", "1.2 GHz", "64 MiB"); a bare number is an error. Parsing
/// is exact decimal arithmetic (no binary floating point), so "1.2 GHz" is exactly 1 200 000 000 Hz and "0.1 us" is
/// exactly 100 000 ps. Errors are thrown as `UnitError` with a message meant for the user.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sim/ints.h"
#include "sim/time.h"

namespace qdes {

class ClockDomain;

/// A message for the user about a malformed quantity ("duration needs a unit, e.g. \"250 ns\"").
class UnitError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// An exact non-negative decimal number: `digits * 10^exponent`.
struct Decimal {
    u128 digits = 0;
    int exponent = 0;
};

/// Parses "12", "1.25", "3e-9", "1_000" (underscores are ignored). Throws UnitError on a sign or junk.
Decimal parse_decimal(std::string_view text);

/// A frequency, exactly: `hz_digits * 10^hz_exponent` Hz.
struct Frequency {
    Decimal hz;
    bool operator==(const Frequency& o) const = default;
    double hertz() const;
};

/// Parses a duration: a number and one of ps, ns, us (or µs), ms, s, min, h; or `cycles`/`cycle` when `clock`
/// is given. Throws UnitError for a missing or unknown unit, a negative value, a value that is not a whole number of
/// picoseconds, or one beyond the range of TimePs.
TimePs parse_duration(std::string_view text, const ClockDomain* clock = nullptr);

/// Parses a frequency: a positive number and one of Hz, kHz, MHz, GHz, THz.
Frequency parse_frequency(std::string_view text);

/// Parses a byte size: a number and one of B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (of 1024).
std::uint64_t parse_bytes(std::string_view text);

/// Exact, canonical text for a duration: the largest unit in which it is at least 1, with every significant digit
/// ("1.25 us", "833 ps", "0 s"). parse_duration(format_duration(t)) == t.
std::string format_duration(TimePs t);

/// Short human text for a duration, rounded to 4 significant digits ("1.235 ms").
std::string format_duration_short(TimePs t);

/// Canonical text for a frequency ("1.2 GHz"); parse_frequency(format_frequency(f)) equals f in value.
std::string format_frequency(const Frequency& f);

/// Short human text for a byte count in binary units ("1.5 MiB").
std::string format_bytes(std::uint64_t bytes);

}  // namespace qdes
