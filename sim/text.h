#pragma once
/// Small text helpers the file readers share.

#include <cstdint>
#include <string>
#include <string_view>

namespace qdes {

/// `s` without leading and trailing white space (std::isspace).
std::string trim(std::string_view s);
/// `s` in lower case (ASCII).
std::string to_lower(std::string_view s);
/// `s` in upper case (ASCII).
std::string to_upper(std::string_view s);
/// Reads all of `s` as a decimal unsigned integer; false (out unchanged or partial) when it is not one.
bool parse_u64(std::string_view s, std::uint64_t& out);
/// The shortest decimal text that reads back as exactly `v` ("10", "0.001", "6.669779853440971e-05").
std::string shortest_number(double v);

}  // namespace qdes
