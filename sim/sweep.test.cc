// The sweep: block: expansion order and counts, and errors with file:line.

#include "sim/sweep.h"

#include <gtest/gtest.h>

namespace qdes {
namespace {

std::optional<SweepSpec> parse(const std::string& text, Diagnostics& d) {
    return parse_sweep(ScenarioSource{"s.yaml", text}, d);
}

TEST(Sweep, GridZipAndRepeatExpandInOrder) {
    Diagnostics d;
    auto spec = parse(
        "name: x\n"
        "sweep:\n"
        "  grid:\n"
        "    a.b: [1, 2]\n"
        "    c: [x, y, z]\n"
        "  zip:\n"
        "    d: [10, 20]\n"
        "    e: [[1, 2], [3]]\n"
        "  repeat: 2\n",
        d);
    ASSERT_TRUE(spec) << d.to_string();
    std::vector<SweepPoint> pts = expand_sweep(*spec);
    ASSERT_EQ(pts.size(), 2u * 3 * 2 * 2);
    EXPECT_EQ(pts[0].label(), "a.b=1, c=x, d=10, e=[1, 2]");
    EXPECT_EQ(pts[1].label(), "a.b=1, c=x, d=10, e=[1, 2], replica 1");
    EXPECT_EQ(pts[2].label(), "a.b=1, c=x, d=20, e=[3]");
    EXPECT_EQ(pts[4].label(), "a.b=1, c=y, d=10, e=[1, 2]");
    EXPECT_EQ(pts.back().label(), "a.b=2, c=z, d=20, e=[3], replica 1");
    EXPECT_EQ(pts[3].overrides(), (std::vector<std::string>{"a.b=1", "c=x", "d=20", "e=[3]"}));
    for (std::size_t i = 0; i < pts.size(); ++i) EXPECT_EQ(pts[i].index, i);
}

TEST(Sweep, NoBlockIsNothing) {
    Diagnostics d;
    EXPECT_FALSE(parse("name: x\n", d));
    EXPECT_TRUE(d.empty());
}

TEST(Sweep, ProblemsNameTheLineAndKey) {
    Diagnostics d;
    EXPECT_FALSE(parse("sweep:\n  grid:\n    a: [1]\n  zip:\n    b: [1, 2]\n    c: [1]\n  repaet: 2\n", d));
    std::string all = d.to_string();
    EXPECT_NE(all.find("s.yaml:7:3: sweep.repaet: unknown key (did you mean \"repeat\"?)"), std::string::npos) << all;
    EXPECT_NE(all.find("s.yaml:6:8: sweep.zip.c: has 1 values but b has 2"), std::string::npos) << all;
    Diagnostics d2;
    EXPECT_FALSE(parse("sweep:\n  grid:\n    seed: [1, 2]\n    x: 3\n  repeat: 0\n", d2));
    all = d2.to_string();
    EXPECT_NE(all.find("s.yaml:3:5: sweep.grid.seed: the sweep names its points and sets seeds itself"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("s.yaml:4:8: sweep.grid.x: expected a non-empty list of values"), std::string::npos) << all;
    EXPECT_NE(all.find("s.yaml:5:11: sweep.repeat: expected a whole number from 1 to 1000000"), std::string::npos)
        << all;
}

}  // namespace
}  // namespace qdes
