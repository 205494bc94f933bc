#include "hardware/accel/scalesim_config.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "hardware/accel/gemm.h"
#include "sim/diagnostics.h"
#include "sim/text.h"

namespace qdes::accel {

const char* dataflow_name(Dataflow d) {
    switch (d) {
        case Dataflow::kOutputStationary: return "os";
        case Dataflow::kWeightStationary: return "ws";
        case Dataflow::kInputStationary: return "is";
    }
    return "?";
}

bool parse_dataflow(const std::string& text, Dataflow& out) {
    const std::string t = to_lower(trim(text));
    if (t == "os") out = Dataflow::kOutputStationary;
    else if (t == "ws") out = Dataflow::kWeightStationary;
    else if (t == "is") out = Dataflow::kInputStationary;
    else return false;
    return true;
}

namespace {

/// One key's reader: stores the value or returns a message saying what was expected.
using Setter = std::function<std::string(ScaleSimConfig&, const std::string&)>;

Setter unsigned_key(std::uint64_t ScaleSimConfig::*field, bool positive) {
    return [field, positive](ScaleSimConfig& c, const std::string& v) -> std::string {
        std::uint64_t x = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
        if (ec != std::errc() || end != v.data() + v.size()) return "expected a whole number, got \"" + v + "\"";
        if (positive && x == 0) return "must be positive";
        c.*field = x;
        return "";
    };
}

Setter dimension_key(std::uint32_t ScaleSimConfig::*field) {
    return [field](ScaleSimConfig& c, const std::string& v) -> std::string {
        std::uint64_t x = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
        if (ec != std::errc() || end != v.data() + v.size()) return "expected a whole number, got \"" + v + "\"";
        if (x == 0 || x > 65536) return "must be 1 to 65536, got " + v;
        c.*field = std::uint32_t(x);
        return "";
    };
}

Setter boolean_key(bool ScaleSimConfig::*field) {
    return [field](ScaleSimConfig& c, const std::string& v) -> std::string {
        const std::string t = to_lower(v);
        if (t == "true" || t == "1" || t == "yes") c.*field = true;
        else if (t == "false" || t == "0" || t == "no") c.*field = false;
        else return "expected True or False, got \"" + v + "\"";
        return "";
    };
}

Setter ignored_key() {
    return [](ScaleSimConfig&, const std::string&) { return std::string(); };
}

/// Section -> key (lower case) -> reader.
const std::map<std::string, std::map<std::string, Setter>>& schema() {
    static const std::map<std::string, std::map<std::string, Setter>> s = {
        {"general",
         {{"run_name", [](ScaleSimConfig& c, const std::string& v) {
               c.run_name = v;
               return std::string();
           }}}},
        {"architecture_presets",
         {{"arrayheight", dimension_key(&ScaleSimConfig::rows)},
          {"arraywidth", dimension_key(&ScaleSimConfig::cols)},
          {"ifmapsramszkb", unsigned_key(&ScaleSimConfig::ifmap_sram_kib, true)},
          {"filtersramszkb", unsigned_key(&ScaleSimConfig::filter_sram_kib, true)},
          {"ofmapsramszkb", unsigned_key(&ScaleSimConfig::ofmap_sram_kib, true)},
          {"ifmapoffset", unsigned_key(&ScaleSimConfig::ifmap_offset, false)},
          {"filteroffset", unsigned_key(&ScaleSimConfig::filter_offset, false)},
          {"ofmapoffset", unsigned_key(&ScaleSimConfig::ofmap_offset, false)},
          {"dataflow",
           [](ScaleSimConfig& c, const std::string& v) {
               return parse_dataflow(v, c.dataflow) ? std::string() : "expected os, ws or is, got \"" + v + "\"";
           }},
          {"bandwidth",
           [](ScaleSimConfig& c, const std::string& v) -> std::string {
               double x = 0;
               auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
               if (ec != std::errc() || end != v.data() + v.size() || !(x > 0))
                   return "expected a positive number of words per cycle, got \"" + v + "\"";
               c.bandwidth_words_per_cycle = x;
               return "";
           }},
          {"memorybanks",
           [](ScaleSimConfig& c, const std::string& v) -> std::string {
               std::uint32_t x = 0;
               auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
               if (ec != std::errc() || end != v.data() + v.size() || x == 0)
                   return "expected a positive whole number, got \"" + v + "\"";
               c.memory_banks = x;
               return "";
           }},
          {"readrequestbuffer", ignored_key()},
          {"writerequestbuffer", ignored_key()}}},
        {"run_presets",
         {{"interfacebandwidth",
           [](ScaleSimConfig& c, const std::string& v) -> std::string {
               const std::string t = to_lower(v);
               if (t == "calc") c.user_bandwidth = false;
               else if (t == "user") c.user_bandwidth = true;
               else return "expected CALC or USER, got \"" + v + "\"";
               return "";
           }},
          {"usermulatortrace", ignored_key()},
          {"useramulatortrace", ignored_key()}}},
        {"layout",
         {{"ifmapcustomlayout", ignored_key()},
          {"ifmapsrambankbandwidth", ignored_key()},
          {"ifmapsrambanknum", ignored_key()},
          {"ifmapsrambankport", ignored_key()},
          {"filtercustomlayout", ignored_key()},
          {"filtersrambankbandwidth", ignored_key()},
          {"filtersrambanknum", ignored_key()},
          {"filtersrambankport", ignored_key()}}},
        {"sparsity",
         {{"sparsitysupport", boolean_key(&ScaleSimConfig::sparsity_support)},
          {"sparserep", ignored_key()},
          {"optimizedmapping", ignored_key()},
          {"blocksize", ignored_key()},
          {"randomnumbergeneratorseed", ignored_key()}}},
    };
    return s;
}

std::vector<std::string> keys_of(const std::map<std::string, Setter>& m) {
    std::vector<std::string> out;
    for (const auto& [k, v] : m) out.push_back(k);
    return out;
}

}  // namespace

ScaleSimConfig parse_scalesim_config(const std::string& text, const std::string& name) {
    ScaleSimConfig c;
    c.source = name;
    std::istringstream in(text);
    std::string raw, section;
    int line_no = 0;
    bool any_key = false;
    const auto fail = [&](const std::string& what) { throw AccelInputError(name + ":" + std::to_string(line_no) + ": " + what); };
    while (std::getline(in, raw)) {
        ++line_no;
        const std::string line = trim(raw);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.front() == '[') {
            if (line.back() != ']') fail("section header \"" + line + "\" lacks its closing ]");
            section = to_lower(trim(line.substr(1, line.size() - 2)));
            if (!schema().count(section)) {
                std::vector<std::string> names;
                for (const auto& [k, v] : schema()) names.push_back(k);
                fail("unknown section [" + section + "]" + did_you_mean(section, names));
            }
            continue;
        }
        const auto sep = line.find_first_of(":=");
        if (sep == std::string::npos) fail("expected \"key: value\" or \"key = value\", got \"" + line + "\"");
        const std::string key = to_lower(trim(line.substr(0, sep)));
        const std::string value = trim(line.substr(sep + 1));
        if (section.empty()) fail("key \"" + key + "\" before any [section]");
        const auto& keys = schema().at(section);
        const auto it = keys.find(key);
        if (it == keys.end()) fail("[" + section + "] has no key \"" + key + "\"" + did_you_mean(key, keys_of(keys)));
        if (value.empty()) fail("[" + section + "] " + key + ": empty value");
        if (std::string why = it->second(c, value); !why.empty()) fail("[" + section + "] " + key + ": " + why);
        any_key = true;
    }
    if (!any_key) throw AccelInputError(name + ": no settings found (is this a SCALE-Sim .cfg file?)");
    return c;
}

ScaleSimConfig read_scalesim_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw AccelInputError(path + ": cannot open the configuration file");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_scalesim_config(text.str(), path);
}

}  // namespace qdes::accel
