#pragma once
/// Helpers for rule files read with yaml-cpp: errors as "file:line:column: key: message".

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "protocols/lec/rule.h"

namespace qdes::lec {

/// The whole of a rule file; std::runtime_error "path: cannot open the rule file".
std::string read_rule_file(const std::string& path);
/// `comment` as YAML comment lines ("# ..."), one per line of it.
std::string yaml_comment(const std::string& comment);
/// Parses YAML text; a syntax error becomes std::runtime_error "source:line:column: YAML syntax error: ...".
YAML::Node load_yaml(const std::string& text, const std::string& source);
/// Throws std::runtime_error "source:line:column: key: message" (the position of `at` when it has one).
[[noreturn]] void fail(const std::string& source, const YAML::Node& at, const std::string& key, const std::string& m);
/// A scalar's text; otherwise "source:line:column: key: expected WHAT".
std::string scalar_text(const std::string& source, const YAML::Node& n, const std::string& key,
                        const std::string& what);
/// [row, column] as two whole numbers.
Offset parse_offset(const std::string& source, const YAML::Node& n, const std::string& key);
/// Refuses a key of `map` not in `allowed`, with a "did you mean".
void expect_keys(const std::string& source, const YAML::Node& map, const std::string& key,
                 const std::vector<std::string>& allowed);

}  // namespace qdes::lec
