#include "sim/units.h"

#include <gtest/gtest.h>

#include "sim/clock.h"

namespace qdes {

TEST(ParseDuration, AcceptsEveryTimeUnit) {
    EXPECT_EQ(parse_duration("250 ns"), 250'000u);
    EXPECT_EQ(parse_duration("250ns"), 250'000u);
    EXPECT_EQ(parse_duration("1.25 us"), 1'250'000u);
    EXPECT_EQ(parse_duration("3 ps"), 3u);
    EXPECT_EQ(parse_duration("2 ms"), 2 * kMillisecond);
    EXPECT_EQ(parse_duration("1e-6 s"), kMicrosecond);
    EXPECT_EQ(parse_duration("1 min"), 60 * kSecond);
    EXPECT_EQ(parse_duration("2 h"), 7200 * kSecond);
    EXPECT_EQ(parse_duration("0.1 us"), 100'000u);
    EXPECT_EQ(parse_duration("1_000 ns"), kMicrosecond);
}

TEST(ParseDuration, RejectsBareNumbersNegativesAndSubPicosecondValues) {
    EXPECT_THROW(parse_duration("250"), UnitError);
    EXPECT_THROW(parse_duration("-5 ns"), UnitError);
    EXPECT_THROW(parse_duration("0.5 ps"), UnitError);
    EXPECT_THROW(parse_duration("5 furlongs"), UnitError);
    EXPECT_THROW(parse_duration("ns"), UnitError);
    EXPECT_THROW(parse_duration("1e30 s"), UnitError);
    EXPECT_THROW(parse_duration("1.2.3 ns"), UnitError);
}

TEST(ParseDuration, MessageForBareNumberSuggestsAUnit) {
    try {
        parse_duration("250");
        FAIL();
    } catch (const UnitError& e) {
        EXPECT_NE(std::string(e.what()).find("needs a unit"), std::string::npos) << e.what();
    }
}

TEST(ParseDuration, CyclesNeedAClock) {
    EXPECT_THROW(parse_duration("3 cycles"), UnitError);
    ClockDomain clock(parse_frequency("1 GHz"));
    EXPECT_EQ(parse_duration("3 cycles", &clock), 3000u);
    ClockDomain odd(parse_frequency("1.2 GHz"));
    EXPECT_EQ(parse_duration("6 cycles", &odd), 5000u);  // 6 x 833.33 ps
}

TEST(FormatDuration, IsExactAndRoundTrips) {
    EXPECT_EQ(format_duration(1'250'000), "1.25 us");
    EXPECT_EQ(format_duration(833), "833 ps");
    EXPECT_EQ(format_duration(0), "0 s");
    EXPECT_EQ(format_duration(kSecond), "1 s");
    EXPECT_EQ(format_duration(1'000'001), "1.000001 us");
    for (TimePs t : {TimePs(1), TimePs(999), TimePs(1'000'000'000'123), kTimeNever}) {
        EXPECT_EQ(parse_duration(format_duration(t)), t) << format_duration(t);
    }
}

TEST(ParseFrequency, IsExact) {
    Frequency f = parse_frequency("1.2 GHz");
    EXPECT_DOUBLE_EQ(f.hertz(), 1.2e9);
    EXPECT_EQ(format_frequency(f), "1.2 GHz");
    EXPECT_EQ(format_frequency(parse_frequency("800 kHz")), "800 kHz");
    EXPECT_THROW(parse_frequency("0 Hz"), UnitError);
    EXPECT_THROW(parse_frequency("5"), UnitError);
    EXPECT_THROW(parse_frequency("5 ns"), UnitError);
}

TEST(ParseBytes, DecimalAndBinaryUnits) {
    EXPECT_EQ(parse_bytes("64 MiB"), 64u << 20);
    EXPECT_EQ(parse_bytes("1.5 kB"), 1500u);
    EXPECT_EQ(parse_bytes("2 GB"), 2'000'000'000u);
    EXPECT_EQ(parse_bytes("0 B"), 0u);
    EXPECT_THROW(parse_bytes("64"), UnitError);
    EXPECT_THROW(parse_bytes("0.5 B"), UnitError);
    EXPECT_EQ(format_bytes(3 << 20), "3 MiB");
}

}  // namespace qdes
