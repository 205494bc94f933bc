#include "sim/json.h"

#include <cmath>
#include <cstdio>

namespace qdes {

Json& Json::operator[](const std::string& key) {
    if (std::holds_alternative<std::nullptr_t>(value_)) value_ = Object{};
    return std::get<Object>(value_)[key];
}

void Json::push_back(Json v) {
    if (std::holds_alternative<std::nullptr_t>(value_)) value_ = Array{};
    std::get<Array>(value_).push_back(std::move(v));
}

std::string json_quote(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += char(c);
                }
        }
    }
    return out + "\"";
}

void Json::write(std::string& out, int indent, int depth) const {
    auto newline = [&](int d) {
        if (indent > 0) out += "\n" + std::string(std::size_t(indent * d), ' ');
    };
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) {
                out += "null";
            } else if constexpr (std::is_same_v<T, bool>) {
                out += v ? "true" : "false";
            } else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t>) {
                out += std::to_string(v);
            } else if constexpr (std::is_same_v<T, double>) {
                if (!std::isfinite(v)) {
                    out += "null";
                } else {
                    char buf[32];
                    std::snprintf(buf, sizeof buf, "%.17g", v);
                    out += buf;
                }
            } else if constexpr (std::is_same_v<T, std::string>) {
                out += json_quote(v);
            } else if constexpr (std::is_same_v<T, Object>) {
                out += "{";
                bool first = true;
                for (const auto& [k, child] : v) {
                    if (!first) out += ",";
                    first = false;
                    newline(depth + 1);
                    out += json_quote(k) + (indent > 0 ? ": " : ":");
                    child.write(out, indent, depth + 1);
                }
                if (!v.empty()) newline(depth);
                out += "}";
            } else {
                out += "[";
                bool first = true;
                for (const Json& child : v) {
                    if (!first) out += ",";
                    first = false;
                    newline(depth + 1);
                    child.write(out, indent, depth + 1);
                }
                if (!v.empty()) newline(depth);
                out += "]";
            }
        },
        value_);
}

std::string Json::dump() const {
    std::string out;
    write(out, 0, 0);
    return out;
}

std::string Json::pretty(int indent) const {
    std::string out;
    write(out, indent, 0);
    return out;
}

}  // namespace qdes
