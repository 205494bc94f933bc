#include "sim/units.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>

#include "sim/clock.h"

namespace qdes {
namespace {

constexpr u128 kMaxDigits = (u128(1) << 100);

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

u128 pow10(int n) {
    u128 r = 1;
    for (int i = 0; i < n; ++i) r *= 10;
    return r;
}

/// Splits "1.25 us" into the number "1.25" and the unit "us"; the space between is optional.
void split_number_unit(std::string_view text, std::string_view& number, std::string_view& unit) {
    text = trim(text);
    size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        bool exponent_sign = (c == '-' || c == '+') && i > 0 && (text[i - 1] == 'e' || text[i - 1] == 'E');
        bool exponent_e =
            (c == 'e' || c == 'E') && i > 0 && i + 1 < text.size() &&
            (std::isdigit(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '-' || text[i + 1] == '+');
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '_' || exponent_sign || exponent_e ||
            ((c == '-' || c == '+') && i == 0)) {
            ++i;
        } else {
            break;
        }
    }
    number = trim(text.substr(0, i));
    unit = trim(text.substr(i));
}

/// `value` as an exact integer, or nothing if it has a fractional part or exceeds 64 bits.
std::optional<std::uint64_t> to_integer(Decimal value) {
    u128 d = value.digits;
    int e = value.exponent;
    while (e < 0) {
        if (d % 10 != 0) return std::nullopt;
        d /= 10;
        ++e;
    }
    for (; e > 0; --e) {
        if (d > (u128(~std::uint64_t{0}) / 10)) return std::nullopt;
        d *= 10;
    }
    if (d > u128(~std::uint64_t{0})) return std::nullopt;
    return static_cast<std::uint64_t>(d);
}

std::string quoted(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

/// Prints digits * 10^exponent exactly in plain decimal notation ("1.25", "800", "0.001").
std::string decimal_text(u128 digits, int exponent) {
    std::string s;
    do {
        s.insert(s.begin(), char('0' + int(digits % 10)));
        digits /= 10;
    } while (digits > 0);
    if (exponent >= 0) {
        if (s != "0") s.append(size_t(exponent), '0');
        return s;
    }
    size_t frac = size_t(-exponent);
    if (s.size() <= frac) s.insert(s.begin(), frac - s.size() + 1, '0');
    s.insert(s.end() - long(frac), '.');
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

}  // namespace

Decimal parse_decimal(std::string_view text) {
    text = trim(text);
    if (text.empty()) throw UnitError("expected a number");
    if (text.front() == '-') throw UnitError("must not be negative, got " + quoted(text));
    if (text.front() == '+') text.remove_prefix(1);
    Decimal d;
    bool any_digit = false;
    bool in_fraction = false;
    size_t i = 0;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == '_') continue;
        if (c == '.') {
            if (in_fraction) throw UnitError("malformed number " + quoted(text));
            in_fraction = true;
            continue;
        }
        if (!std::isdigit(static_cast<unsigned char>(c))) break;
        any_digit = true;
        if (d.digits >= kMaxDigits) throw UnitError("number has too many digits: " + quoted(text));
        d.digits = d.digits * 10 + u128(c - '0');
        if (in_fraction) --d.exponent;
    }
    if (!any_digit) throw UnitError("malformed number " + quoted(text));
    if (i < text.size()) {
        if (text[i] != 'e' && text[i] != 'E') throw UnitError("malformed number " + quoted(text));
        std::string exp_text(text.substr(i + 1));
        char* end = nullptr;
        long e = std::strtol(exp_text.c_str(), &end, 10);
        if (exp_text.empty() || *end != '\0' || e < -60 || e > 60) {
            throw UnitError("malformed exponent in " + quoted(text));
        }
        d.exponent += int(e);
    }
    return d;
}

double Frequency::hertz() const {
    return double(hz.digits) * std::pow(10.0, hz.exponent);
}

TimePs parse_duration(std::string_view text, const ClockDomain* clock) {
    std::string_view number, unit;
    split_number_unit(text, number, unit);
    if (number.empty()) throw UnitError("expected a duration such as \"250 ns\", got " + quoted(trim(text)));
    if (!number.empty() && number.front() == '-') {
        throw UnitError("a duration must not be negative, got " + quoted(trim(text)));
    }
    if (unit.empty()) {
        throw UnitError("a duration needs a unit (ps, ns, us, ms, s, min, h" + std::string(clock ? ", cycles" : "") +
                        "), e.g. \"" + std::string(number) + " ns\"; got " + quoted(trim(text)));
    }
    Decimal value = parse_decimal(number);
    if (unit == "cycle" || unit == "cycles") {
        if (clock == nullptr) {
            throw UnitError("a duration in cycles needs a clock, and none is known here; use a time unit such as ns");
        }
        auto cycles = to_integer(value);
        if (!cycles) throw UnitError("a number of cycles must be a whole number, got " + quoted(trim(text)));
        return clock->cycles_to_duration(*cycles);
    }
    int unit_exponent = 0;
    std::uint64_t unit_factor = 1;
    if (unit == "ps")
        unit_exponent = 0;
    else if (unit == "ns")
        unit_exponent = 3;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
        unit_exponent = 6;
    else if (unit == "ms")
        unit_exponent = 9;
    else if (unit == "s")
        unit_exponent = 12;
    else if (unit == "min") {
        unit_exponent = 12;
        unit_factor = 60;
    } else if (unit == "h") {
        unit_exponent = 12;
        unit_factor = 3600;
    } else
        throw UnitError("unknown time unit " + quoted(unit) + " (use ps, ns, us, ms, s, min, h" +
                        std::string(clock ? ", cycles" : "") + ")");
    value.exponent += unit_exponent;
    auto ps = to_integer(value);
    if (!ps) {
        throw UnitError("duration " + quoted(trim(text)) +
                        " is not a whole number of picoseconds (the time resolution) or exceeds the time range");
    }
    if (*ps > kTimeNever / unit_factor) throw UnitError("duration " + quoted(trim(text)) + " exceeds the time range");
    return *ps * unit_factor;
}

Frequency parse_frequency(std::string_view text) {
    std::string_view number, unit;
    split_number_unit(text, number, unit);
    if (number.empty()) throw UnitError("expected a frequency such as \"1.2 GHz\", got " + quoted(trim(text)));
    if (number.front() == '-') throw UnitError("a frequency must be positive, got " + quoted(trim(text)));
    if (unit.empty()) {
        throw UnitError("a frequency needs a unit (Hz, kHz, MHz, GHz, THz), e.g. \"" + std::string(number) +
                        " MHz\"; got " + quoted(trim(text)));
    }
    Frequency f{parse_decimal(number)};
    if (unit == "Hz")
        f.hz.exponent += 0;
    else if (unit == "kHz")
        f.hz.exponent += 3;
    else if (unit == "MHz")
        f.hz.exponent += 6;
    else if (unit == "GHz")
        f.hz.exponent += 9;
    else if (unit == "THz")
        f.hz.exponent += 12;
    else
        throw UnitError("unknown frequency unit " + quoted(unit) + " (use Hz, kHz, MHz, GHz, THz)");
    if (f.hz.digits == 0) throw UnitError("a frequency must be positive, got " + quoted(trim(text)));
    while (f.hz.digits % 10 == 0) {
        f.hz.digits /= 10;
        ++f.hz.exponent;
    }
    return f;
}

std::uint64_t parse_bytes(std::string_view text) {
    std::string_view number, unit;
    split_number_unit(text, number, unit);
    if (number.empty()) throw UnitError("expected a size such as \"64 MiB\", got " + quoted(trim(text)));
    if (number.front() == '-') throw UnitError("a size must not be negative, got " + quoted(trim(text)));
    if (unit.empty()) {
        throw UnitError("a size needs a unit (B, kB, MB, GB, TB, KiB, MiB, GiB, TiB), e.g. \"" + std::string(number) +
                        " MiB\"; got " + quoted(trim(text)));
    }
    Decimal value = parse_decimal(number);
    u128 factor = 1;
    if (unit == "B")
        factor = 1;
    else if (unit == "kB" || unit == "KB")
        factor = pow10(3);
    else if (unit == "MB")
        factor = pow10(6);
    else if (unit == "GB")
        factor = pow10(9);
    else if (unit == "TB")
        factor = pow10(12);
    else if (unit == "KiB")
        factor = u128(1) << 10;
    else if (unit == "MiB")
        factor = u128(1) << 20;
    else if (unit == "GiB")
        factor = u128(1) << 30;
    else if (unit == "TiB")
        factor = u128(1) << 40;
    else
        throw UnitError("unknown size unit " + quoted(unit) + " (use B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)");
    if (value.digits > kMaxDigits / factor) throw UnitError("size " + quoted(trim(text)) + " is too large");
    value.digits *= factor;
    auto bytes = to_integer(value);
    if (!bytes) throw UnitError("size " + quoted(trim(text)) + " is not a whole number of bytes or is too large");
    return *bytes;
}

std::string format_duration(TimePs t) {
    if (t == 0) return "0 s";
    struct Unit {
        const char* name;
        int exponent;
    };
    static constexpr Unit kUnits[] = {{"s", 12}, {"ms", 9}, {"us", 6}, {"ns", 3}, {"ps", 0}};
    for (const Unit& u : kUnits) {
        if (t >= static_cast<TimePs>(pow10(u.exponent))) return decimal_text(t, -u.exponent) + " " + u.name;
    }
    return std::to_string(t) + " ps";
}

std::string format_duration_short(TimePs t) {
    struct Unit {
        const char* name;
        double scale;
    };
    static constexpr Unit kUnits[] = {{"s", 1e12}, {"ms", 1e9}, {"us", 1e6}, {"ns", 1e3}};
    char buf[64];
    for (const Unit& u : kUnits) {
        if (double(t) >= u.scale) {
            std::snprintf(buf, sizeof buf, "%.4g %s", double(t) / u.scale, u.name);
            return buf;
        }
    }
    return std::to_string(t) + " ps";
}

std::string format_frequency(const Frequency& f) {
    struct Unit {
        const char* name;
        int exponent;
    };
    static constexpr Unit kUnits[] = {{"THz", 12}, {"GHz", 9}, {"MHz", 6}, {"kHz", 3}};
    double hz = f.hertz();
    for (const Unit& u : kUnits) {
        if (hz >= std::pow(10.0, u.exponent))
            return decimal_text(f.hz.digits, f.hz.exponent - u.exponent) + " " + u.name;
    }
    return decimal_text(f.hz.digits, f.hz.exponent) + " Hz";
}

std::string format_bytes(std::uint64_t bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = double(bytes);
    int i = 0;
    while (v >= 1024.0 && i < 5) {
        v /= 1024.0;
        ++i;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, i == 0 ? "%.0f %s" : "%.3g %s", v, kUnits[i]);
    return buf;
}

}  // namespace qdes
