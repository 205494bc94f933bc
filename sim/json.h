#pragma once
/// A small JSON value for the canonical form of a resolved scenario: objects keep their keys sorted, numbers are
/// printed exactly (integers) or with 17 significant digits (reals), and `dump` adds no whitespace, so two equal
/// scenarios give byte-identical text.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace qdes {

class Json {
  public:
    using Object = std::map<std::string, Json>;
    using Array = std::vector<Json>;

    Json() : value_(nullptr) {}
    Json(std::nullptr_t) : value_(nullptr) {}
    Json(bool b) : value_(b) {}
    Json(std::int64_t i) : value_(i) {}
    Json(std::uint64_t u) : value_(u) {}
    Json(int i) : value_(std::int64_t(i)) {}
    Json(double d) : value_(d) {}
    Json(std::string s) : value_(std::move(s)) {}
    Json(const char* s) : value_(std::string(s)) {}
    Json(Object o) : value_(std::move(o)) {}
    Json(Array a) : value_(std::move(a)) {}

    static Json object() { return Json(Object{}); }
    static Json array() { return Json(Array{}); }

    /// Member access on an object (made one if null).
    Json& operator[](const std::string& key);
    /// Appends to an array (made one if null).
    void push_back(Json v);

    /// Compact text with sorted keys.
    std::string dump() const;
    /// Indented text for people (`qdes inspect`).
    std::string pretty(int indent = 2) const;

  private:
    void write(std::string& out, int indent, int depth) const;
    std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, Object, Array> value_;
};

/// A JSON string literal with the escapes JSON requires.
std::string json_quote(const std::string& s);

}  // namespace qdes
