// qdes report CAMPAIGN.h5 [--statistic NAME] [--x KEY] [--series KEY] [--out DIR] [--no-plots]
//
// Reads a sweep's campaign file, groups an estimate statistic (default: the lifetime in rounds) by a series key
// (default: the sweep's first axis, e.g. the lattice size) against an x key (default: its last axis, e.g. p), and
// reports per series the effective distance D_eff (slope of log tau against log p) and, for each pair of
// successive series, the threshold where their curves cross and where tau / series crosses, with bootstrap
// intervals. Writes the numbers to <campaign>-report.json and draws the plots with analysis/plot_campaign.py
// (Debian's python3-matplotlib). Given a `qdes collect` file instead, draws its logical error rates against p per
// distance with analysis/plot_collect.py.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "apps/qdes/cli.h"
#include "sim/campaign.h"
#include "sim/h5.h"
#include "sim/json.h"
#include "sim/lifetime.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace qdes::cli {

namespace {

bool number(const std::string& s, double& out) {
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end && *end == '\0' && end != s.c_str();
}

/// True for a file whose format attribute says it was written by `qdes collect`.
bool is_collect_file(const fs::path& path) {
    try {
        h5::silence_library_errors();
        h5::Handle f = h5::open_file_read(path.string());
        return h5::has_attribute(f.id(), "format") && h5::read_string_attribute(f.id(), "format") == "qdes-collect";
    } catch (const std::exception&) {
        return false;
    }
}

Json finite_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

}  // namespace

int report_main(const std::vector<std::string>& args) {
    po::options_description options("options");
    options.add_options()("help,h", "describe this command")(
        "statistic", po::value<std::string>(), "estimate to report (default: the one ending in lifetime_rounds)")(
        "x", po::value<std::string>(), "swept key on the x axis (default: the sweep's last axis)")(
        "series", po::value<std::string>(), "swept key that makes the curves (default: the sweep's first axis)")(
        "out,o", po::value<std::string>(), "folder for the report (default: beside the campaign)")(
        "no-plots", "compute and print, but do not draw");
    int exit_code = kExitOk;
    std::optional<ParsedArgs> parsed = parse_args(
        "report", args, options,
        "usage: qdes report CAMPAIGN.h5 [options]\n\nFrom a sweep's campaign: per series (e.g. lattice size) the "
        "effective distance D_eff = -d log tau / d log p, and\nthe threshold where successive series' tau(p) "
        "curves cross, and where tau / series crosses, with bootstrap\nintervals; writes <campaign>-report.json "
        "and PNG plots (tau vs p, D_eff vs size, failure times against\nthe exponential, F(t) with its fit, the "
        "spacetime history of a few shots).\n",
        exit_code);
    if (!parsed) return exit_code;
    const po::variables_map& vm = parsed->options;
    auto bad = [](const std::string& m) {
        std::fprintf(stderr, "qdes report: %s\n", m.c_str());
        return kExitBadInput;
    };
    if (parsed->files.size() != 1) return bad("expected one campaign file (see qdes report --help)");
    const fs::path path = parsed->files[0];
    if (is_collect_file(path)) {  // a `qdes collect` file: its table and plot
        const fs::path dir = vm.count("out") ? fs::path(vm["out"].as<std::string>()) : path.parent_path();
        if (vm.count("no-plots")) return kExitOk;
        std::error_code ec;
        if (!dir.empty()) fs::create_directories(dir, ec);
        const fs::path script = fs::path(QDES_SOURCE_DIR) / "analysis" / "plot_collect.py";
        const std::string cmd = "/usr/bin/python3 '" + script.string() + "' '" + path.string() + "' '" +
                                (dir.empty() ? std::string(".") : dir.string()) + "'";
        if (std::system(cmd.c_str()) != 0) {
            std::fprintf(stderr, "qdes report: plotting %s failed (%s)\n", path.c_str(), script.c_str());
            return kExitSimulationFailed;
        }
        return kExitOk;
    }
    Campaign c;
    try {
        h5::silence_library_errors();
        c = read_campaign(path);
    } catch (const std::exception& e) {
        return bad(path.string() + ": " + e.what());
    }
    std::vector<std::string> swept;  // swept keys in axis order
    std::map<std::uint64_t, std::map<std::string, std::string>> values;
    for (const CampaignPoint& p : c.points)
        for (const auto& [k, v] : p.values) {
            values[p.index][k] = v;
            if (std::find(swept.begin(), swept.end(), k) == swept.end()) swept.push_back(k);
        }
    std::string statistic;
    std::set<std::string> names;
    for (const auto& r : c.results)
        if (r.kind == "estimate") names.insert(r.statistic);
    if (vm.count("statistic")) {
        statistic = vm["statistic"].as<std::string>();
        if (!names.count(statistic)) {
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            return bad("no estimate \"" + statistic + "\" in the campaign (estimates: " + (list.empty() ? "none" : list) + ")");
        }
    } else {
        for (const auto& n : names)
            if (n.size() >= 15 && n.compare(n.size() - 15, 15, "lifetime_rounds") == 0) statistic = n;
        if (statistic.empty()) return bad("no lifetime_rounds estimate in the campaign; name one with --statistic");
    }
    if (swept.empty()) return bad("the campaign sweeps no key");
    const std::string xkey = vm.count("x") ? vm["x"].as<std::string>() : swept.back();
    const std::string skey = vm.count("series") ? vm["series"].as<std::string>() : (swept.size() > 1 ? swept.front() : "");
    for (const std::string& k : {xkey, skey})
        if (!k.empty() && std::find(swept.begin(), swept.end(), k) == swept.end())
            return bad("the campaign does not sweep \"" + k + "\"");
    if (xkey == skey) return bad("--x and --series must be different keys");

    // series value -> sorted (x, estimate)
    std::map<double, std::vector<std::pair<double, LifetimeEstimate>>> series;
    for (const auto& r : c.results) {
        if (r.statistic != statistic) continue;
        double x = 0, s = 0;
        if (!number(values[r.point][xkey], x) || x <= 0) return bad("x values must be positive numbers");
        if (!skey.empty() && !number(values[r.point][skey], s)) return bad("series values must be numbers");
        LifetimeEstimate e;
        e.tau = r.value;
        e.lower = r.lower;
        e.upper = r.upper;
        e.failures = r.count;
        series[s].emplace_back(x, e);
    }
    if (series.empty()) return bad("no completed point reports " + statistic);
    // A failure probability or error rate (lower is better) is compared as its inverse, a lifetime: its threshold is
    // where the curves of successive sizes cross, as the lifetimes' is, and D_eff is d log P / d log x.
    const std::string short_name = statistic.substr(statistic.rfind('.') + 1);
    const bool error_like = short_name.find("error") != std::string::npos;
    const auto as_lifetime = [error_like](LifetimeEstimate e) {
        if (!error_like) return e;
        const auto inv = [](double v) { return v > 0 ? 1 / v : std::numeric_limits<double>::infinity(); };
        LifetimeEstimate r = e;
        r.tau = inv(e.tau);
        r.lower = inv(e.upper);
        r.upper = inv(e.lower);
        return r;
    };
    const std::string crossing_name = error_like ? short_name : "tau";
    Json report = Json::object();
    report["campaign"] = Json(path.filename().string());
    report["statistic"] = Json(statistic);
    report["x"] = Json(xkey);
    report["series"] = Json(skey);
    Json curves = Json::array();
    std::printf("%s against %s%s (95%% intervals)\n\n", statistic.c_str(), xkey.c_str(),
                skey.empty() ? "" : (", one curve per " + skey).c_str());
    std::vector<double> keys;
    for (auto& [s, pts] : series) {
        std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        keys.push_back(s);
    }
    // Thresholds between successive series: where tau(x) crosses, and where tau(x) / series crosses. For an
    // eroder such as Toom's rule the second is the one that exists: with a failure read off the state itself (a
    // strict majority wrong) tau still grows like log L above threshold, so the raw curves approach without
    // crossing, while tau / L falls with L above threshold and grows without bound below it.
    double lowest_crossing = std::numeric_limits<double>::infinity(), lowest_per_size = lowest_crossing;
    auto thresholds = [&](double exponent, const std::string& what, double& lowest) {
        Json crossings = Json::array();
        for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
            std::vector<double> xs;
            std::vector<LifetimeEstimate> ea, eb;
            auto scaled = [&](LifetimeEstimate e, double s) {
                const double f = std::pow(s, -exponent);
                e.tau *= f;
                e.lower *= f;
                e.upper *= f;
                return e;
            };
            for (const auto& [x, e] : series[keys[i]])
                for (const auto& [x2, e2] : series[keys[i + 1]])
                    if (x == x2) {
                        xs.push_back(x);
                        ea.push_back(scaled(as_lifetime(e), keys[i]));
                        eb.push_back(scaled(as_lifetime(e2), keys[i + 1]));
                    }
            const Crossing cr = threshold_crossing(xs, ea, eb);
            Json j = Json::object();
            j["small"] = Json(keys[i]);
            j["large"] = Json(keys[i + 1]);
            j["found"] = Json(cr.found);
            j["at"] = cr.found ? Json(cr.p) : Json(nullptr);
            j["lower"] = cr.bootstrap_found_fraction > 0 ? Json(cr.lower) : Json(nullptr);
            j["upper"] = cr.bootstrap_found_fraction > 0 ? Json(cr.upper) : Json(nullptr);
            j["bootstrap_found_fraction"] = Json(cr.bootstrap_found_fraction);
            crossings.push_back(j);
            if (cr.found) {
                lowest = std::min(lowest, cr.p);
                std::printf("%s crossing between %s=%g and %g: %s = %.4g [%.4g, %.4g] (crossing found in %.0f%% of "
                            "bootstrap resamples)\n",
                            what.c_str(), skey.c_str(), keys[i], keys[i + 1], xkey.c_str(), cr.p, cr.lower, cr.upper,
                            100 * cr.bootstrap_found_fraction);
            } else {
                std::printf("%s crossing between %s=%g and %g: none in the swept range (the larger %s %s)\n",
                            what.c_str(),
                            skey.c_str(), keys[i], keys[i + 1], skey.c_str(),
                            !xs.empty() && std::isfinite(eb[0].tau) && std::isfinite(ea[0].tau) && eb[0].tau < ea[0].tau
                                ? "is lower everywhere: the range lies above threshold"
                                : "is higher everywhere");
            }
        }
        return crossings;
    };
    report["thresholds"] = thresholds(0, crossing_name, lowest_crossing);
    if (!skey.empty() && !error_like) {
        report["thresholds_per_size"] = thresholds(1, "tau/" + skey.substr(skey.rfind('.') + 1), lowest_per_size);
        // D_eff is fitted below the threshold: the raw crossing where there is one, else the per-size one.
        if (!std::isfinite(lowest_crossing)) lowest_crossing = lowest_per_size;
    }
    std::printf("\n");
    for (double s : keys) {
        Json cj = Json::object();
        cj["series"] = Json(s);
        Json pts = Json::array();
        std::vector<double> fx;
        std::vector<LifetimeEstimate> fe;
        for (const auto& [x, e] : series[s]) {
            Json pj = Json::object();
            pj["x"] = Json(x);
            pj["value"] = finite_or_null(e.tau);
            pj["lower"] = finite_or_null(e.lower);
            pj["upper"] = finite_or_null(e.upper);
            pj["failures"] = Json(e.failures);
            pts.push_back(pj);
            const LifetimeEstimate life = as_lifetime(e);
            if (x < lowest_crossing && std::isfinite(life.tau) && std::isfinite(life.upper)) {
                fx.push_back(x);
                fe.push_back(life);
            }
        }
        cj["points"] = pts;
        // The fit also needs each point's interval to have a width (found by fuzz/hdf5.cc: a campaign whose
        // intervals were empty threw out of qdes report); without two such points there is no D_eff.
        std::optional<PowerLaw> fitted;
        if (fx.size() >= 2) {
            try {
                fitted = fit_power_law(fx, fe);
            } catch (const std::invalid_argument&) {
            }
        }
        if (fitted && std::isfinite(fitted->exponent) && std::isfinite(fitted->std_error)) {
            const PowerLaw& law = *fitted;
            cj["d_eff"] = Json(law.exponent);
            cj["d_eff_std_error"] = Json(law.std_error);
            std::printf("%s=%g: D_eff = %.3f +- %.3f from %zu points %s\n", skey.c_str(), s, law.exponent,
                        law.std_error, fx.size(),
                        std::isfinite(lowest_crossing) ? ("with " + xkey + " below the threshold").c_str()
                                                       : "(no threshold found: all of them)");
        } else {
            cj["d_eff"] = Json(nullptr);
            std::printf("%s=%g: D_eff needs two points below threshold with finite lifetimes\n", skey.c_str(), s);
        }
        curves.push_back(cj);
    }
    report["curves"] = curves;
    const fs::path dir = vm.count("out") ? fs::path(vm["out"].as<std::string>()) : path.parent_path();
    std::error_code ec;
    if (!dir.empty()) fs::create_directories(dir, ec);
    const fs::path json_path = dir / (path.stem().string() + "-report.json");
    {
        FILE* f = std::fopen(json_path.c_str(), "w");
        if (!f) return bad("cannot write " + json_path.string());
        std::fputs(report.pretty().c_str(), f);
        std::fputs("\n", f);
        std::fclose(f);
    }
    std::printf("\nreport: %s\n", json_path.c_str());
    if (vm.count("no-plots")) return kExitOk;
    const fs::path script = fs::path(QDES_SOURCE_DIR) / "analysis" / "plot_campaign.py";
    std::string cmd = "/usr/bin/python3 '" + script.string() + "' '" + path.string() + "' '" + json_path.string() +
                      "' '" + (dir.empty() ? std::string(".") : dir.string()) + "'";
    int rc = std::system(cmd.c_str());
    if (rc != 0) {
        std::fprintf(stderr, "qdes report: plotting failed (%s); the numbers above and %s are complete\n",
                     script.c_str(), json_path.c_str());
        return kExitSimulationFailed;
    }
    return kExitOk;
}

}  // namespace qdes::cli
