#pragma once
/// Small text helpers the file readers share.

#include <string>
#include <string_view>

namespace qdes {

/// `s` without leading and trailing white space (std::isspace).
std::string trim(std::string_view s);
/// `s` in lower case (ASCII).
std::string to_lower(std::string_view s);
/// `s` in upper case (ASCII).
std::string to_upper(std::string_view s);

}  // namespace qdes
