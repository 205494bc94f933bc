#include "sim/scenario.h"

#include <gtest/gtest.h>

#include "sim/queueing/queueing.h"
#include "sim/queueing/sink.h"
#include "sim/scenario_build.h"

namespace qdes {
namespace {

ComponentRegistry registry() {
    ComponentRegistry r;
    register_queueing_components(r);
    return r;
}

constexpr const char* kValid = R"(name: q
seed: 7
warmup: 1 ms
stop: {time: 10 ms, events: 1000}
components:
  src:  {kind: source, interarrival: 2 us}
  q:    {kind: queue, capacity: 5}
  srv:  {kind: server, service: 1 us, servers: 2}
  out:  {kind: sink}
links:
  - {from: src.out, to: q.in, latency: 3 ns}
  - {from: q.out, to: srv.in}
  - {from: srv.credit, to: q.credit}
  - {from: srv.out, to: out.in}
)";

/// Loads `text` and returns the diagnostics as text ("" when it loads and builds cleanly).
std::string errors_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
    Diagnostics d;
    ComponentRegistry r = registry();
    auto s = load_scenario({"s.yaml", text}, overrides, r, d);
    if (s) build_scenario(*s, r, nullptr, d);
    return d.to_string();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return text.replace(pos, from.size(), to);
}

}  // namespace

TEST(Scenario, LoadsEveryFieldWithDefaultsFilledIn) {
    Diagnostics d;
    auto s = load_scenario({"s.yaml", kValid}, {}, registry(), d);
    ASSERT_TRUE(s) << d.to_string();
    EXPECT_EQ(s->name, "q");
    EXPECT_EQ(s->seed, 7u);
    EXPECT_EQ(s->warmup_ps, kMillisecond);
    EXPECT_EQ(*s->stop.time_ps, 10 * kMillisecond);
    EXPECT_EQ(*s->stop.events, 1000u);
    ASSERT_EQ(s->components.size(), 4u);
    // Components are kept in order of name.
    EXPECT_EQ(s->components[0].name, "out");
    EXPECT_EQ(s->components[2].name, "src");
    EXPECT_EQ(s->components[2].params.duration_ps("interarrival"), 2 * kMicrosecond);
    EXPECT_EQ(s->components[2].params.string("distribution"), "exponential");  // default
    EXPECT_EQ(s->links[0].latency_ps, 3000u);
    EXPECT_EQ(s->links[1].latency_ps, 0u);
    EXPECT_EQ(s->record.trace_bytes_max, 1ull << 30);
}

TEST(Scenario, CanonicalJsonLoadsBackToTheSameJson) {
    Diagnostics d;
    auto s = load_scenario({"s.yaml", kValid}, {}, registry(), d);
    ASSERT_TRUE(s);
    std::string json = s->to_json().dump();
    auto again = load_scenario({"s.json", json}, {}, registry(), d);
    ASSERT_TRUE(again) << d.to_string();
    EXPECT_EQ(again->to_json().dump(), json);
    EXPECT_NE(json.find(R"("interarrival":"2 us")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("latency":"3 ns")"), std::string::npos) << json;
}

TEST(Scenario, AbsentStopLimitsAreOff) {
    Diagnostics d;
    auto s = load_scenario({"s.yaml", replace(kValid, "stop: {time: 10 ms, events: 1000}", "stop: {events: 5}")}, {},
                           registry(), d);
    ASSERT_TRUE(s) << d.to_string();
    EXPECT_FALSE(s->stop.time_ps.has_value());
    EXPECT_EQ(*s->stop.events, 5u);
    EXPECT_EQ(s->to_json()["stop"].dump(), R"({"events":5})");
}

TEST(Scenario, NameDefaultsToTheFileStem) {
    Diagnostics d;
    auto s = load_scenario({"dir/my-run.yaml", replace(kValid, "name: q\n", "")}, {}, registry(), d);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->name, "my-run");
}

TEST(Scenario, ValidScenarioBuildsWithoutErrors) {
    EXPECT_EQ(errors_of(kValid), "");
}

TEST(ScenarioErrors, YamlSyntaxErrorNamesLineAndColumn) {
    EXPECT_EQ(errors_of("components:\n  a: {kind: source\n  b: [\n"),
              "s.yaml:3:4: YAML syntax error: end of map flow not found\n");
}

TEST(ScenarioErrors, UnknownKeySuggestsTheClosestOne) {
    EXPECT_EQ(errors_of(replace(kValid, "warmup:", "warmpu:")),
              "s.yaml:3:1: warmpu: unknown key for a scenario (did you mean \"warmup\"?)\n");
    EXPECT_EQ(errors_of(replace(kValid, "service: 1 us,", "service: 1 us, srvers: 2,")),
              "s.yaml:8:39: components.srv.srvers: unknown key for a server (did you mean \"servers\"?)\n");
}

TEST(ScenarioErrors, WrongTypes) {
    EXPECT_EQ(errors_of(replace(kValid, "capacity: 5", "capacity: five")),
              "s.yaml:7:33: components.q.capacity: expected an integer, got \"five\"\n");
    EXPECT_EQ(errors_of(replace(kValid, "capacity: 5", "capacity: [5]")),
              "s.yaml:7:33: components.q.capacity: expected an integer, got a list\n");
    EXPECT_EQ(errors_of(replace(kValid, "capacity: 5", "capacity: 2.5")),
              "s.yaml:7:33: components.q.capacity: expected an integer, got \"2.5\"\n");
    EXPECT_EQ(errors_of("components:\n  out: {kind: sink}\nlinks: 3\n"),
              "s.yaml:3:8: links: expected a list of links, got a single value\n");
}

TEST(ScenarioErrors, MissingRequiredParameter) {
    EXPECT_EQ(errors_of(replace(kValid, "service: 1 us, ", "")),
              "s.yaml:8:9: components.srv.service: missing required parameter of a server (duration, e.g. 1 us: "
              "mean service time)\n");
}

TEST(ScenarioErrors, OutOfRangeValues) {
    EXPECT_EQ(errors_of(replace(kValid, "servers: 2", "servers: 0")),
              "s.yaml:8:48: components.srv.servers: value 0 is below the minimum 1\n");
    EXPECT_EQ(errors_of(replace(kValid, "seed: 7", "seed: -1")), "s.yaml:2:7: seed: value -1 is below the minimum 0\n");
}

TEST(ScenarioErrors, DurationsNeedUnitsAndMustNotBeNegative) {
    EXPECT_EQ(errors_of(replace(kValid, "warmup: 1 ms", "warmup: 1000")),
              "s.yaml:3:9: warmup: a duration needs a unit (ps, ns, us, ms, s, min, h), e.g. \"1000 ns\"; got "
              "\"1000\"\n");
    EXPECT_EQ(errors_of(replace(kValid, "latency: 3 ns", "latency: -3 ns")),
              "s.yaml:11:40: links[0].latency: a duration must not be negative, got \"-3 ns\"\n");
}

TEST(ScenarioErrors, UnknownComponentKind) {
    EXPECT_EQ(errors_of(replace(kValid, "kind: sink", "kind: sinc")),
              "s.yaml:9:16: components.out.kind: unknown component kind \"sinc\" (did you mean \"sink\"?); `qdes "
              "list-params` lists the kinds\n");
}

TEST(ScenarioErrors, EveryErrorIsReportedInOnePass) {
    std::string text = replace(replace(replace(kValid, "warmup:", "warmpu:"), "capacity: 5", "capacity: x"),
                               "servers: 2", "servers: -2");
    Diagnostics d;
    EXPECT_FALSE(load_scenario({"s.yaml", text}, {}, registry(), d));
    EXPECT_EQ(d.size(), 3u) << d.to_string();
}

TEST(ScenarioErrors, DuplicateKeysAndComponentNames) {
    EXPECT_EQ(errors_of(replace(kValid, "capacity: 5", "capacity: 5, capacity: 6")),
              "s.yaml:7:36: components.q.capacity: duplicate key\n");
}

TEST(ScenarioErrors, LinkProblemsAreFoundWhenBuilding) {
    EXPECT_EQ(errors_of(replace(kValid, "to: q.in,", "to: q.inn,")),
              "s.yaml:11:5: links[0].to: component \"q\" has no port \"inn\" (did you mean \"in\"?); its ports: in "
              "(in), out (out), credit (in)\ns.yaml:7:3: components.q: port q.in (in, Job) is not linked: add a link "
              "to it\ns.yaml:6:3: components.src: port src.out (out, Job) is not linked: add a link from it\n");
    std::string errors = errors_of(replace(kValid, "from: src.out", "from: scr.out"));
    EXPECT_EQ(errors.substr(0, errors.find('\n')),
              "s.yaml:11:5: links[0].from: no component named \"scr\" (did you mean \"src\"?)");
}

TEST(ScenarioErrors, StopStatisticAndTraceTablesMustExist) {
    std::string text = std::string(kValid) + "record: {trace: [out.job]}\n";
    text = replace(text, "stop: {time: 10 ms, events: 1000}", "stop: {when: {statistic: out.absorbd, at_least: 5}}");
    EXPECT_EQ(
        errors_of(text),
        "s.yaml:15:18: record.trace: no component offers a trace table \"out.job\" (did you mean "
        "\"out.jobs\"?); offered: out.jobs\n"
        "s.yaml:4:26: stop.when.statistic: no statistic named \"out.absorbd\" (did you mean \"out.absorbed\"?)\n");
}

TEST(ScenarioOverrides, SetReplacesAndAddsValues) {
    Diagnostics d;
    auto s =
        load_scenario({"s.yaml", kValid}, {"components.srv.servers=3", "seed=11", "stop.time=2 ms"}, registry(), d);
    ASSERT_TRUE(s) << d.to_string();
    EXPECT_EQ(s->seed, 11u);
    EXPECT_EQ(*s->stop.time_ps, 2 * kMillisecond);
    EXPECT_EQ(s->components[3].params.integer("servers"), 3);  // srv, last by name
}

TEST(ScenarioOverrides, BadOverridesAreReportedAsCommandLine) {
    EXPECT_EQ(errors_of(kValid, {"components.srv.servers=many"}),
              "--set components.srv.servers=many: components.srv.servers: expected an integer, got \"many\"\n");
    EXPECT_EQ(errors_of(kValid, {"components.srv.sevrers=2"}),
              "--set components.srv.sevrers=2: components.srv.sevrers: unknown key for a server (did you mean "
              "\"servers\"?)\n");
    EXPECT_EQ(errors_of(kValid, {"noequals"}),
              "--set noequals: expected --set key.path=value, e.g. --set components.queue.capacity=10\n");
    EXPECT_EQ(errors_of(kValid, {"seed.x=1"}), "--set seed.x=1: seed: cannot set a key inside it: it is not a map\n");
}

TEST(ScenarioFiles, MissingFileIsADiagnostic) {
    Diagnostics d;
    EXPECT_FALSE(read_scenario_file("/nonexistent/x.yaml", d));
    EXPECT_EQ(d.to_string(), "/nonexistent/x.yaml: no such scenario file\n");
}

TEST(DidYouMean, SuggestsOnlyCloseWords) {
    EXPECT_EQ(closest_match("sevrice", {"service", "servers"}), "service");
    EXPECT_EQ(closest_match("xyz", {"service", "servers"}), "");
    EXPECT_EQ(closest_match("capcity", {"capacity"}), "capacity");
}

}  // namespace qdes

namespace qdes {

TEST(Params, ListDefaultsAreTheirItems) {
    ParamSchema schema;
    schema.string_list("bits", "widths").with_default("[4, 8]");
    schema.string_list("none", "nothing").with_default("[]");
    schema.string_list("names", "spaced").with_default("[ a ,b c]");
    const ParamValues v = defaults_with(schema, {});
    EXPECT_EQ(v.string_list("bits"), (std::vector<std::string>{"4", "8"}));
    EXPECT_TRUE(v.string_list("none").empty());
    EXPECT_EQ(v.string_list("names"), (std::vector<std::string>{"a", "b c"}));
}

}  // namespace qdes

namespace qdes {

TEST(ScenarioBuild, AComponentNamedByAnotherIsBuiltFirstAndCyclesAreRefused) {
    // "probe" is a sink that records when it was built and names another component in `after`.
    std::vector<std::string> built;
    ComponentRegistry r = registry();
    ComponentKind probe = Sink::kind();
    probe.name = "probe";
    probe.params.string("after", "a component to build first").with_default("");
    probe.component_params = {"after"};
    probe.create = [&built](Simulation& sim, const std::string& name, const ParamValues& p) -> Component& {
        built.push_back(name);
        return sim.add<Sink>(name, p);
    };
    r.add(probe);
    auto order = [&](const std::string& text) {
        built.clear();
        Diagnostics d;
        auto s = load_scenario({"s.yaml", text}, {}, r, d);
        if (s) build_scenario(*s, r, nullptr, d);
        return d.to_string();
    };
    // By name a, b, c; a names c, so c first, then a, then b. (The sinks' unlinked inputs are errors; not ours.)
    const std::string fine =
        order("components:\n  a: {kind: probe, after: c}\n  b: {kind: probe}\n  c: {kind: probe}\n");
    EXPECT_EQ(fine.find("cycle"), std::string::npos) << fine;
    EXPECT_EQ(built, (std::vector<std::string>{"c", "a", "b"}));
    // a -> b -> a: the one that closes the cycle is refused and not built.
    const std::string cycle = order("components:\n  a: {kind: probe, after: b}\n  b: {kind: probe, after: a}\n");
    EXPECT_NE(cycle.find("components.a: components name each other in a cycle (a.after -> b, b.after -> a)"),
              std::string::npos)
        << cycle;
    EXPECT_EQ(built, (std::vector<std::string>{"b"}));
}

}  // namespace qdes
