#include "sim/params.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "sim/diagnostics.h"
#include "sim/ints.h"

namespace qdes {

const char* param_type_name(ParamType t) {
    switch (t) {
        case ParamType::kInteger:
            return "integer";
        case ParamType::kReal:
            return "real";
        case ParamType::kBoolean:
            return "boolean";
        case ParamType::kString:
            return "string";
        case ParamType::kDuration:
            return "duration";
        case ParamType::kFrequency:
            return "frequency";
        case ParamType::kBytes:
            return "size";
        case ParamType::kChoice:
            return "choice";
        case ParamType::kStringList:
            return "list of strings";
    }
    return "?";
}

ParamSpec& ParamSchema::add(std::string name, ParamType type, std::string doc) {
    if (find(name)) throw std::logic_error("parameter \"" + name + "\" declared twice");
    specs_.push_back(ParamSpec{.name = std::move(name), .type = type, .doc = std::move(doc)});
    return specs_.back();
}

ParamSpec& ParamSchema::choice(std::string name, std::vector<std::string> choices, std::string doc) {
    ParamSpec& s = add(std::move(name), ParamType::kChoice, std::move(doc));
    s.choices = std::move(choices);
    return s;
}

const ParamSpec* ParamSchema::find(const std::string& name) const {
    for (const ParamSpec& s : specs_) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

std::vector<std::string> ParamSchema::names() const {
    std::vector<std::string> n;
    for (const ParamSpec& s : specs_) n.push_back(s.name);
    return n;
}

namespace {

std::string quoted(const std::string& s) {
    return "\"" + s + "\"";
}

}  // namespace

std::string format_param_bound(const ParamSpec& spec, double v) {
    if (spec.type == ParamType::kDuration) return format_duration(TimePs(v));
    if (spec.type == ParamType::kBytes) return format_bytes(std::uint64_t(v));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

namespace {

void check_range(const ParamSpec& spec, double v, const std::string& text) {
    if (spec.min && v < *spec.min) {
        throw ParamError("value " + text + " is below the minimum " + format_param_bound(spec, *spec.min));
    }
    if (spec.max && v > *spec.max) {
        throw ParamError("value " + text + " is above the maximum " + format_param_bound(spec, *spec.max));
    }
}

std::int64_t parse_integer(const std::string& text) {
    std::string body = text;
    bool negative = !body.empty() && body[0] == '-';
    if (negative) body.erase(0, 1);
    Decimal d;
    try {
        d = parse_decimal(body);
    } catch (const UnitError&) {
        throw ParamError("expected an integer, got " + quoted(text));
    }
    while (d.exponent < 0 && d.digits % 10 == 0) {
        d.digits /= 10;
        ++d.exponent;
    }
    if (d.exponent < 0) throw ParamError("expected an integer, got " + quoted(text));
    u128 v = d.digits;
    for (int e = 0; e < d.exponent; ++e) {
        v *= 10;
        if (v > u128(INT64_MAX)) break;
    }
    if (v > u128(INT64_MAX)) throw ParamError("integer " + quoted(text) + " is out of range");
    return negative ? -std::int64_t(v) : std::int64_t(v);
}

double parse_real(const std::string& text) {
    const char* begin = text.c_str();
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(begin, &end);
    if (end == begin || *end != '\0' || errno == ERANGE || !std::isfinite(v)) {
        throw ParamError("expected a number, got " + quoted(text));
    }
    return v;
}

bool parse_boolean(const std::string& text) {
    if (text == "true" || text == "True" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "False" || text == "no" || text == "off") return false;
    throw ParamError("expected true or false, got " + quoted(text));
}

}  // namespace

ParamValue parse_param(const ParamSpec& spec, const std::string& text) {
    switch (spec.type) {
        case ParamType::kInteger: {
            std::int64_t v = parse_integer(text);
            check_range(spec, double(v), text);
            return v;
        }
        case ParamType::kReal: {
            double v = parse_real(text);
            check_range(spec, v, text);
            return v;
        }
        case ParamType::kBoolean:
            return parse_boolean(text);
        case ParamType::kString:
            return text;
        case ParamType::kDuration: {
            TimePs v = parse_duration(text);
            check_range(spec, double(v), quoted(text));
            return Duration{v};
        }
        case ParamType::kFrequency:
            return parse_frequency(text);
        case ParamType::kBytes: {
            std::uint64_t v = parse_bytes(text);
            check_range(spec, double(v), quoted(text));
            return Bytes{v};
        }
        case ParamType::kChoice: {
            for (const std::string& c : spec.choices) {
                if (c == text) return text;
            }
            std::string list;
            for (const std::string& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
            throw ParamError("expected one of " + list + ", got " + quoted(text) + did_you_mean(text, spec.choices));
        }
        case ParamType::kStringList:
            throw ParamError("expected a list, got " + quoted(text));
    }
    throw std::logic_error("unknown parameter type");
}

ParamValue parse_param_list(const ParamSpec& spec, const std::vector<std::string>& items) {
    if (spec.type != ParamType::kStringList) {
        throw ParamError(std::string("expected a single ") + param_type_name(spec.type) + ", got a list");
    }
    return items;
}

Json param_to_json(const ParamValue& v) {
    return std::visit(
        [](const auto& x) -> Json {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Duration>)
                return format_duration(x.ps);
            else if constexpr (std::is_same_v<T, Frequency>)
                return format_frequency(x);
            else if constexpr (std::is_same_v<T, Bytes>)
                return std::to_string(x.count) + " B";
            else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                Json a = Json::array();
                for (const auto& s : x) a.push_back(s);
                return a;
            } else
                return Json(x);
        },
        v);
}

std::string param_to_text(const ParamValue& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* b = std::get_if<Bytes>(&v)) return format_bytes(b->count);
    std::string j = param_to_json(v).dump();
    if (j.size() >= 2 && j.front() == '"') return j.substr(1, j.size() - 2);
    return j;
}

Json ParamValues::to_json() const {
    Json o = Json::object();
    for (const auto& [k, v] : values_) o[k] = param_to_json(v);
    return o;
}

ParamValue default_value(const ParamSpec& spec) {
    if (!spec.default_text) throw ParamError("parameter \"" + spec.name + "\" is required");
    if (spec.type == ParamType::kStringList) {  // a YAML flow list, "[]" or "[4, 8]", read as a scenario's are
        const YAML::Node list = YAML::Load(*spec.default_text);
        if (!list.IsSequence())
            throw std::logic_error("the default of list parameter \"" + spec.name + "\" is not [a, b, ...]");
        std::vector<std::string> items;
        for (const auto& item : list) items.push_back(item.Scalar());
        return items;
    }
    return parse_param(spec, *spec.default_text);
}

ParamValues defaults_with(const ParamSchema& schema, const std::map<std::string, std::string>& overrides) {
    ParamValues values;
    for (const auto& [name, text] : overrides) {
        if (!schema.find(name)) throw ParamError("unknown parameter \"" + name + "\"");
    }
    for (const ParamSpec& spec : schema.specs()) {
        auto it = overrides.find(spec.name);
        if (it != overrides.end()) {
            values.set(spec.name, parse_param(spec, it->second));
        } else if (spec.default_text) {
            values.set(spec.name, default_value(spec));
        } else if (spec.required()) {
            throw ParamError("parameter \"" + spec.name + "\" is required");
        }
    }
    return values;
}

}  // namespace qdes
