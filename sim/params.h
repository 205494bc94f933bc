#pragma once
/// Parameters: what a component (or a section of a scenario) accepts, and the validated values it receives.
///
/// A `ParamSchema` lists every parameter with its type, unit, default (or "required"), range and a one-line doc.
/// The same schema drives scenario validation, `qdes list-params` and the documentation, so they cannot disagree.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/json.h"
#include "sim/time.h"
#include "sim/units.h"

namespace qdes {

enum class ParamType { kInteger, kReal, kBoolean, kString, kDuration, kFrequency, kBytes, kChoice, kStringList };
const char* param_type_name(ParamType t);

struct Duration {
    TimePs ps = 0;
    bool operator==(const Duration&) const = default;
};
struct Bytes {
    std::uint64_t count = 0;
    bool operator==(const Bytes&) const = default;
};

using ParamValue =
    std::variant<std::int64_t, double, bool, std::string, Duration, Frequency, Bytes, std::vector<std::string>>;

struct ParamSpec {
    std::string name;
    ParamType type = ParamType::kString;
    std::string doc;
    std::string unit;                         ///< shown to users: "servers", "customers"; time units are implied
    std::optional<std::string> default_text;  ///< parsed like user input; none: required, unless `may_be_absent`
    bool may_be_absent = false;               ///< without a default: absent means "not set" (ParamValues::has)
    std::string example;                      ///< a valid value, shown in docs (required parameters must have one)
    std::optional<double> min, max;           ///< inclusive; for durations in picoseconds, bytes in bytes
    std::vector<std::string> choices;         ///< for kChoice

    bool required() const { return !default_text.has_value() && !may_be_absent; }

    // Fluent setters for schema declarations.
    ParamSpec& with_default(std::string text) {
        default_text = std::move(text);
        return *this;
    }
    /// Optional with no default: when it is absent, the values simply lack it (a limit that is off unless given).
    ParamSpec& optional_without_default() {
        may_be_absent = true;
        return *this;
    }
    ParamSpec& with_example(std::string text) {
        example = std::move(text);
        return *this;
    }
    ParamSpec& at_least(double v) {
        min = v;
        return *this;
    }
    ParamSpec& at_most(double v) {
        max = v;
        return *this;
    }
    ParamSpec& with_unit(std::string u) {
        unit = std::move(u);
        return *this;
    }
};

/// Thrown when a text cannot be a value of a parameter; the message is for the user.
class ParamError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class ParamSchema {
  public:
    ParamSpec& add(std::string name, ParamType type, std::string doc);
    ParamSpec& integer(std::string name, std::string doc) {
        return add(std::move(name), ParamType::kInteger, std::move(doc));
    }
    ParamSpec& real(std::string name, std::string doc) {
        return add(std::move(name), ParamType::kReal, std::move(doc));
    }
    ParamSpec& boolean(std::string name, std::string doc) {
        return add(std::move(name), ParamType::kBoolean, std::move(doc));
    }
    ParamSpec& string(std::string name, std::string doc) {
        return add(std::move(name), ParamType::kString, std::move(doc));
    }
    ParamSpec& duration(std::string name, std::string doc) {
        return add(std::move(name), ParamType::kDuration, std::move(doc));
    }
    ParamSpec& frequency(std::string name, std::string doc) {
        return add(std::move(name), ParamType::kFrequency, std::move(doc));
    }
    ParamSpec& bytes(std::string name, std::string doc) {
        return add(std::move(name), ParamType::kBytes, std::move(doc));
    }
    ParamSpec& string_list(std::string name, std::string doc) {
        return add(std::move(name), ParamType::kStringList, std::move(doc));
    }
    ParamSpec& choice(std::string name, std::vector<std::string> choices, std::string doc);

    const ParamSpec* find(const std::string& name) const;
    const std::vector<ParamSpec>& specs() const { return specs_; }
    std::vector<std::string> names() const;

  private:
    std::vector<ParamSpec> specs_;
};

/// The value of an optional parameter when it is not given (an empty list for a list). Throws ParamError if the
/// parameter is required.
ParamValue default_value(const ParamSpec& spec);

/// A bound of a parameter's range as a user writes it ("1 ps", "64 MiB", "4").
std::string format_param_bound(const ParamSpec& spec, double bound);

/// Converts user text to a value of `spec`'s type and checks its range. Throws ParamError (or UnitError) with a message
/// naming what was expected.
ParamValue parse_param(const ParamSpec& spec, const std::string& text);
/// Parses a list-valued parameter from its items.
ParamValue parse_param_list(const ParamSpec& spec, const std::vector<std::string>& items);

/// The canonical JSON of a value: numbers, booleans and strings as themselves; quantities as exact unit strings.
Json param_to_json(const ParamValue& v);
/// A value as a person writes it ("1.25 us", "4", "true").
std::string param_to_text(const ParamValue& v);

/// The validated parameters of one component, every parameter present (defaults filled in).
class ParamValues {
  public:
    void set(const std::string& name, ParamValue v) { values_[name] = std::move(v); }
    bool has(const std::string& name) const { return values_.count(name) > 0; }
    std::int64_t integer(const std::string& name) const { return get<std::int64_t>(name); }
    double real(const std::string& name) const { return get<double>(name); }
    bool boolean(const std::string& name) const { return get<bool>(name); }
    const std::string& string(const std::string& name) const { return get<std::string>(name); }
    TimePs duration_ps(const std::string& name) const { return get<Duration>(name).ps; }
    const Frequency& frequency(const std::string& name) const { return get<Frequency>(name); }
    std::uint64_t bytes(const std::string& name) const { return get<Bytes>(name).count; }
    const std::vector<std::string>& string_list(const std::string& name) const {
        return get<std::vector<std::string>>(name);
    }
    const std::map<std::string, ParamValue>& all() const { return values_; }
    Json to_json() const;

  private:
    template <class T>
    const T& get(const std::string& name) const {
        auto it = values_.find(name);
        if (it == values_.end()) throw std::logic_error("no parameter \"" + name + "\"");
        const T* v = std::get_if<T>(&it->second);
        if (v == nullptr) throw std::logic_error("parameter \"" + name + "\" read with the wrong type");
        return *v;
    }
    std::map<std::string, ParamValue> values_;
};

/// Fills every parameter of `schema` that has a default from it (for tests and for building components in code).
/// Throws ParamError if a parameter is required; `overrides` (name -> text) are parsed like scenario input.
ParamValues defaults_with(const ParamSchema& schema, const std::map<std::string, std::string>& overrides = {});

}  // namespace qdes
