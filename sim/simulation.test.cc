#include "sim/simulation.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace qdes {
namespace {

struct Token {
    std::uint64_t hops;
};
struct Other {
    int x;
};
struct Note {
    std::string text;  // not trivially copyable: travels through the link's FIFO
};

}  // namespace
}  // namespace qdes
QDES_MESSAGE_TYPE(qdes::Token);
QDES_MESSAGE_TYPE(qdes::Other);
QDES_MESSAGE_TYPE(qdes::Note);

namespace qdes {
namespace {

/// Passes a token to the next node of a ring; node 0 injects it at start.
class RingNode : public Component {
  public:
    RingNode(Simulation& sim, std::string name, bool inject) : Component(sim, std::move(name)), inject_(inject) {
        add_statistic("received", received_, "", "tokens received");
    }
    void start() override {
        if (inject_) out.send(Token{0});
    }
    OutPort<Token> out{*this, "out"};
    InPort<Token> in{*this, "in", [this](const Token& t) {
                         received_.add();
                         last_hops = t.hops;
                         out.send(Token{t.hops + 1});
                     }};
    Counter received_;
    std::uint64_t last_hops = 0;

  private:
    bool inject_;
};

/// Reschedules itself at random delays and folds every random draw and firing time into a checksum.
class Jitter : public Component {
  public:
    Jitter(Simulation& sim, std::string name) : Component(sim, std::move(name)), rng_(random_stream("delay")) {}
    void start() override { tick(); }
    void tick() {
        checksum = checksum * 31 + now();
        schedule_after(1 + rng_.uniform_below(1000), [this] { tick(); });
    }
    std::uint64_t checksum = 0;

  private:
    RandomStream rng_;
};

std::uint64_t run_jitter(std::uint64_t seed) {
    Simulation sim(SimulationConfig{seed});
    std::vector<Jitter*> nodes;
    for (int i = 0; i < 50; ++i) nodes.push_back(&sim.add<Jitter>("j" + std::to_string(i)));
    sim.run(StopCondition{.max_events = 100000});
    std::uint64_t h = 0;
    for (auto* n : nodes) h = h * 1000003 + n->checksum;
    return h;
}

}  // namespace

TEST(Simulation, RingPassesTokenWithLinkLatency) {
    Simulation sim;
    std::vector<RingNode*> ring;
    for (int i = 0; i < 10; ++i) ring.push_back(&sim.add<RingNode>("n" + std::to_string(i), i == 0));
    for (int i = 0; i < 10; ++i) sim.connect(ring[i]->out, ring[(i + 1) % 10]->in, kNanosecond);
    RunResult r = sim.run(StopCondition{.until_ps = 95 * kNanosecond});
    EXPECT_EQ(r.reason, StopReason::kTimeLimit);
    EXPECT_EQ(sim.now(), 95 * kNanosecond);
    EXPECT_EQ(r.events, 95u);            // one hop per nanosecond
    EXPECT_EQ(ring[5]->last_hops, 94u);  // the 95th delivery, at 95 ns, lands on node 95 mod 10 = 5
    EXPECT_EQ(ring[1]->received_.count(), 10u);
}

TEST(Simulation, StopsOnEventCountConditionAndEmptyQueue) {
    {
        Simulation sim;
        auto& a = sim.add<RingNode>("a", true);
        auto& b = sim.add<RingNode>("b", false);
        sim.connect(a.out, b.in, 5);
        sim.connect(b.out, a.in, 5);
        EXPECT_EQ(sim.run(StopCondition{.max_events = 7}).reason, StopReason::kEventLimit);
        EXPECT_EQ(sim.events_executed(), 7u);
        EXPECT_EQ(sim.now(), 35u);
        // A run can be continued.
        RunResult r = sim.run(StopCondition{.predicate = [&] { return b.received_.count() == 10; }});
        EXPECT_EQ(r.reason, StopReason::kCondition);
        EXPECT_EQ(sim.events_executed(), 19u);
    }
    {
        Simulation sim;
        int fired = 0;
        sim.schedule_at(10, [&] { ++fired; });
        sim.schedule_at(20, [&] { ++fired; });
        RunResult r = sim.run();
        EXPECT_EQ(r.reason, StopReason::kQueueEmpty);
        EXPECT_EQ(fired, 2);
        EXPECT_EQ(sim.now(), 20u);
    }
}

TEST(Simulation, RequestStopAndInterrupt) {
    Simulation sim;
    sim.schedule_at(10, [&] { sim.request_stop("enough"); });
    sim.schedule_at(20, [] {});
    RunResult r = sim.run();
    EXPECT_EQ(r.reason, StopReason::kRequested);
    EXPECT_EQ(r.message, "enough");
    EXPECT_EQ(sim.pending_events(), 1u);

    Simulation sim2;
    auto& a = sim2.add<RingNode>("a", true);
    sim2.connect(a.out, a.in, 1);
    std::atomic<bool> interrupt{true};
    EXPECT_EQ(sim2.run(StopCondition{.interrupt = &interrupt}).reason, StopReason::kInterrupted);
}

TEST(Simulation, SameTimeEventsRunInKeyOrderNotInsertionOrder) {
    Simulation sim;
    std::vector<int> ran;
    sim.schedule_at(
        5, [&] { ran.push_back(2); }, 1);
    sim.schedule_at(
        5, [&] { ran.push_back(0); }, -1);
    sim.schedule_at(
        5, [&] { ran.push_back(1); }, 0);
    sim.run();
    EXPECT_EQ(ran, (std::vector<int>{0, 1, 2}));
}

TEST(Simulation, RejectsMismatchedAndDoubleLinksAndUnlinkedPorts) {
    struct Mixed : Component {
        Mixed(Simulation& s, std::string n) : Component(s, std::move(n)) {}
        OutPort<Other> out{*this, "out"};
        InPort<Other> in{*this, "in", [](const Other&) {}};
    };
    Simulation sim;
    auto& r = sim.add<RingNode>("r", false);
    auto& m = sim.add<Mixed>("m");
    try {
        sim.connect(r.out, static_cast<PortBase&>(m.in), 0);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "cannot link r.out (sends Token) to m.in (accepts Other)");
    }
    EXPECT_THROW(sim.connect(static_cast<PortBase&>(r.in), static_cast<PortBase&>(r.out), 0), std::invalid_argument);
    sim.connect(r.out, r.in, 0);
    EXPECT_THROW(sim.connect(r.out, r.in, 0), std::invalid_argument);
    EXPECT_THROW(sim.add<RingNode>("r", false), std::invalid_argument);
    EXPECT_THROW(sim.add<RingNode>("bad name", false), std::invalid_argument);
    try {
        sim.run();
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "port m.out (Other) is not linked");
    }
}

TEST(Simulation, LargeMessagesArriveInOrderAfterTheLatency) {
    struct Writer : Component {
        Writer(Simulation& s, std::string n) : Component(s, std::move(n)) {}
        void start() override {
            for (int i = 0; i < 3; ++i) {
                schedule_after(TimePs(i), [this, i] { out.send(Note{std::string(100, char('a' + i))}); });
            }
        }
        OutPort<Note> out{*this, "out"};
    };
    struct Reader : Component {
        Reader(Simulation& s, std::string n) : Component(s, std::move(n)) {}
        InPort<Note> in{*this, "in", [this](const Note& n) { got.push_back({now(), n.text}); }};
        std::vector<std::pair<TimePs, std::string>> got;
    };
    Simulation sim;
    auto& w = sim.add<Writer>("w");
    auto& r = sim.add<Reader>("r");
    sim.connect(w.out, r.in, 50);
    sim.run();
    ASSERT_EQ(r.got.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(r.got[i].first, TimePs(50 + i));
        EXPECT_EQ(r.got[i].second, std::string(100, char('a' + i)));
    }
    EXPECT_EQ(w.out.link()->in_flight(), 0u);
}

TEST(Simulation, SchedulingInThePastIsAnError) {
    Simulation sim;
    sim.schedule_at(10, [&] { sim.schedule_at(5, [] {}); });
    EXPECT_THROW(sim.run(), SimulationError);
}

TEST(Simulation, WarmupResetsStatistics) {
    Simulation sim(SimulationConfig{.warmup_ps = 50});
    auto& a = sim.add<RingNode>("a", true);
    sim.connect(a.out, a.in, 10);
    sim.run(StopCondition{.until_ps = 100});
    // Deliveries at 10, 20, ..., 100; those before 50 are discarded, the reset runs before the one at 50.
    EXPECT_EQ(a.received_.count(), 6u);
}

TEST(Simulation, IdenticalResultsWhateverTheThreads) {
    std::vector<std::uint64_t> serial;
    for (std::uint64_t seed = 1; seed <= 4; ++seed) serial.push_back(run_jitter(seed));
    std::vector<std::uint64_t> parallel(4);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) threads.emplace_back([&, i] { parallel[i] = run_jitter(std::uint64_t(i + 1)); });
    for (auto& t : threads) t.join();
    EXPECT_EQ(serial, parallel);
    EXPECT_NE(serial[0], serial[1]);
}

}  // namespace qdes
