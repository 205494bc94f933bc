#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "hardware/accel/memory_models.h"
#include "hardware/systemc/memory_model.h"

#include <tlm_utils/peq_with_cb_and_phase.h>
#include "hardware/systemc/register.h"

namespace qdes::systemc {
namespace {

// SystemC's threads (QuickThreads) switch stacks without AddressSanitizer's fiber annotations, which then reports
// false stack overflows on the main stack after the scheduler has run; the tests that run SystemC's scheduler are
// skipped in the sanitizer build and run in the Release build.
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_UNDER_ASAN() GTEST_SKIP() << "SystemC threads confuse AddressSanitizer"
#else
#define SKIP_UNDER_ASAN() (void)0
#endif


struct Access {
    std::uint64_t address, bytes;
    bool write;
    TimePs issue;
};

// A trace that meets row hits, empty banks and row conflicts on every channel: runs of sequential reads, strided
// reads that jump rows, and writes back, issued 20 ns apart, `count` of them.
std::vector<Access> trace(std::size_t count, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<Access> out;
    TimePs t = 0;
    std::uint64_t cursor = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const int kind = int(rng() % 3);
        Access a{};
        if (kind == 0) a = {cursor, 256, false, t};                              // sequential
        if (kind == 1) a = {(rng() % 4096) * 8192 + (rng() % 64) * 64, 64, false, t};  // a far row
        if (kind == 2) a = {(rng() % 1024) * 512, 128, true, t};                 // a write back
        cursor += 256;
        out.push_back(a);
        t += 20'000;
    }
    return out;
}

std::vector<TimePs> replay(accel::MemoryTarget& m, const std::vector<Access>& accesses) {
    std::vector<TimePs> done;
    for (const Access& a : accesses) done.push_back(m.access(a.address, a.bytes, a.write, a.issue));
    return done;
}

TEST(TlmMemoryBridge, TheExampleModelIsRegisteredBesideTheBuiltinDram) {
    register_systemc_memory_models();
    register_systemc_memory_models();  // once only
    const std::vector<std::string> names = accel::memory_model_names();
    EXPECT_EQ(names.front(), "builtin");
    EXPECT_NE(std::find(names.begin(), names.end(), "open_page_dram"), names.end());
    try {
        accel::make_memory_model("no_such_model", accel::dram_preset("ddr4_2400"));
        FAIL() << "an unknown model was made";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("(known: builtin, "), std::string::npos) << what;
        EXPECT_NE(what.find(", open_page_dram"), std::string::npos) << what;
    }
}

// 140 accesses (about 450 bursts) in 2.8 us, all served before the built-in Dram's first refresh (tREFI: 7.8 us for
// DDR4, 3.9 us for LPDDR4): the SystemC model through the bridge finishes every access at exactly the built-in
// Dram's time, on one channel (DDR4) and on two (LPDDR4), and the bridge counts the same bytes and bursts.
TEST(TlmMemoryBridge, ASystemCDramThroughTheBridgeTimesAShortTraceAsTheBuiltinDram) {
    register_systemc_memory_models();
    for (const char* preset : {"ddr4_2400", "lpddr4_3200"}) {
        const accel::DramTiming t = accel::dram_preset(preset);
        const std::vector<Access> accesses = trace(140, 7);
        auto builtin = accel::make_memory_model("builtin", t);
        auto bridged = accel::make_memory_model("open_page_dram", t);
        EXPECT_EQ(replay(*bridged, accesses), replay(*builtin, accesses)) << preset;
        ASSERT_EQ(builtin->stats().refreshes, 0u) << preset;
        EXPECT_EQ(bridged->stats().bursts, builtin->stats().bursts);
        EXPECT_EQ(bridged->stats().read_bytes, builtin->stats().read_bytes);
        EXPECT_EQ(bridged->stats().write_bytes, builtin->stats().write_bytes);
        EXPECT_GT(builtin->stats().row_conflicts, 20u);
        EXPECT_GT(builtin->stats().row_hits, 20u);
    }
}

// 5000 accesses over 100 us, through a dozen refreshes (every 7.8 us, 350 ns each, which delay the accesses behind
// them and close every row): still equal, access for access.
TEST(TlmMemoryBridge, ALongTraceWithRefreshesTimesAsTheBuiltinDram) {
    register_systemc_memory_models();
    const accel::DramTiming t = accel::dram_preset("ddr4_2400");
    const std::vector<Access> accesses = trace(5000, 3);
    auto builtin = accel::make_memory_model("builtin", t);
    auto bridged = accel::make_memory_model("open_page_dram", t);
    EXPECT_EQ(replay(*bridged, accesses), replay(*builtin, accesses));
    EXPECT_GT(builtin->stats().refreshes, 10u);
}

accel::MemoryModelOptions lockstep(TimePs quantum_ps) {
    accel::MemoryModelOptions o;
    o.sync = accel::MemorySync::kLockstep;
    o.quantum_ps = quantum_ps;
    return o;
}

// In lock step the example model (which annotates its delays and never waits) answers every access as decoupled and
// as the built-in Dram do, whatever the quantum: through refreshes, 2000 accesses over 40 us.
TEST(TlmMemoryBridge, InLockStepTheExampleModelStillTimesAsTheBuiltinDram) {
    SKIP_UNDER_ASAN();
    register_systemc_memory_models();
    const accel::DramTiming t = accel::dram_preset("ddr4_2400");
    const std::vector<Access> accesses = trace(2000, 5);
    auto builtin = accel::make_memory_model("builtin", t);
    const std::vector<TimePs> expected = replay(*builtin, accesses);
    ASSERT_GT(builtin->stats().refreshes, 3u);
    for (TimePs quantum : {TimePs(0), TimePs(100'000), TimePs(10'000'000)}) {
        auto bridged = accel::make_memory_model("open_page_dram", t, lockstep(quantum));
        EXPECT_EQ(replay(*bridged, accesses), expected) << "quantum " << quantum << " ps";
        EXPECT_EQ(bridged->stats().late_bursts, 0u);
    }
    EXPECT_THROW(accel::make_memory_model("builtin", t, lockstep(0)), std::invalid_argument);
}

// A target written with wait(): each burst holds it for 50 ns of SystemC time, one burst at a time.
class WaitingMemory : public sc_core::sc_module {
  public:
    static constexpr TimePs kLatencyPs = 50'000;
    tlm_utils::simple_target_socket<WaitingMemory> socket;
    WaitingMemory(sc_core::sc_module_name name, const accel::DramTiming&) : sc_core::sc_module(name), socket("socket") {
        socket.register_b_transport(this, &WaitingMemory::b_transport);
    }

  private:
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
        wait(delay);  // to the issue time
        delay = sc_core::SC_ZERO_TIME;
        wait(sc_core::sc_time(double(kLatencyPs), sc_core::SC_PS));
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};
QDES_SYSTEMC_MEMORY_MODEL("test_waiting_memory", "a target that waits 50 ns per burst (tests)", WaitingMemory);

// A target with a process of its own that ticks every 10 ns. It answers 1 ns after the burst reaches it, plus one
// picosecond per tick it has counted, so that the answer tells how far SystemC had run.
class TickingMemory : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<TickingMemory> socket;
    SC_HAS_PROCESS(TickingMemory);
    TickingMemory(sc_core::sc_module_name name, const accel::DramTiming&) : sc_core::sc_module(name), socket("socket") {
        socket.register_b_transport(this, &TickingMemory::b_transport);
        SC_THREAD(tick);
    }

  private:
    void tick() {
        for (;;) {
            wait(10, sc_core::SC_NS);
            ++ticks_;
        }
    }
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
        delay += sc_core::sc_time(1, sc_core::SC_NS) + sc_core::sc_time(double(ticks_), sc_core::SC_PS);
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }
    std::uint64_t ticks_ = 0;
};
QDES_SYSTEMC_MEMORY_MODEL("test_ticking_memory", "a target with a 10 ns ticker of its own (tests)", TickingMemory);

// The waiting target serialises its bursts: a one-burst access issued after the last has finished takes exactly the
// latency; a four-burst access takes four latencies, its last three bursts reaching the target late by 1, 2 and 3.
// Decoupled, its wait() is refused with advice.
TEST(TlmMemoryBridge, InLockStepATargetMayWaitAndItsBurstsQueue) {
    SKIP_UNDER_ASAN();
    register_systemc_memory_models();
    const accel::DramTiming t = accel::dram_preset("ddr4_2400");
    const std::uint64_t burst = t.burst_bytes();
    constexpr TimePs L = WaitingMemory::kLatencyPs;
    for (TimePs quantum : {TimePs(0), TimePs(1'000'000)}) {
        auto m = accel::make_memory_model("test_waiting_memory", t, lockstep(quantum));
        EXPECT_EQ(m->access(0, burst, false, 10'000), 10'000 + L);
        EXPECT_EQ(m->access(burst, burst, true, 200'000), 200'000 + L);
        EXPECT_EQ(m->stats().late_bursts, 0u);
        EXPECT_EQ(m->access(0, 4 * burst, false, 400'000), 400'000 + 4 * L);
        EXPECT_EQ(m->stats().late_bursts, 3u);
        EXPECT_EQ(m->stats().late_ps, (1 + 2 + 3) * L);
        EXPECT_EQ(m->stats().bursts, 6u);
    }
    auto decoupled = accel::make_memory_model("test_waiting_memory", t);
    try {
        decoupled->access(0, burst, false, 0);
        FAIL() << "a wait() outside SystemC's scheduler passed";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("needs dram_sync: lockstep"), std::string::npos) << e.what();
    }
}

// How far SystemC runs: decoupled, never (the ticker has counted nothing); in lock step with quantum 0, up to each
// burst's issue time (floor(issue / 10 ns) ticks, the issue times kept off the ticks); with a quantum Q, to within
// Q of it, and SystemC catches up less often.
TEST(TlmMemoryBridge, TheQuantumBoundsHowFarSystemCTrailsTheIssueTime) {
    SKIP_UNDER_ASAN();
    register_systemc_memory_models();
    const accel::DramTiming t = accel::dram_preset("ddr4_2400");
    const auto ticks_seen = [&](accel::MemoryTarget& m, TimePs issue) {
        return std::int64_t(m.access(0, t.burst_bytes(), false, issue) - issue - 1000);
    };
    auto decoupled = accel::make_memory_model("test_ticking_memory", t);
    auto exact = accel::make_memory_model("test_ticking_memory", t, lockstep(0));
    const TimePs Q = 200'000;
    auto loose = accel::make_memory_model("test_ticking_memory", t, lockstep(Q));
    int behind = 0;
    for (int k = 0; k < 400; ++k) {
        const TimePs issue = TimePs(k) * 37'000 + 3;  // never on a tick
        EXPECT_EQ(ticks_seen(*decoupled, issue), 0);
        EXPECT_EQ(ticks_seen(*exact, issue), std::int64_t(issue / 10'000)) << issue;
        const std::int64_t seen = ticks_seen(*loose, issue);
        EXPECT_LE(seen, std::int64_t(issue / 10'000));
        EXPECT_GE(seen, std::int64_t((issue - std::min(issue, Q)) / 10'000)) << issue;
        behind += seen < std::int64_t(issue / 10'000);
    }
    EXPECT_GT(behind, 300);  // within the quantum SystemC does not catch up
}

accel::MemoryModelOptions approximately_timed(TimePs quantum_ps) {
    accel::MemoryModelOptions o = lockstep(quantum_ps);
    o.approximately_timed = true;
    return o;
}

// A natively approximately timed target: a pipelined memory that accepts a request every 2 ns (END_REQ) and answers
// each 50 ns after accepting it (BEGIN_RESP, from a payload event queue).
class PipelinedMemory : public sc_core::sc_module {
  public:
    static constexpr TimePs kAcceptPs = 2'000, kLatencyPs = 50'000;
    tlm_utils::simple_target_socket<PipelinedMemory> socket;
    PipelinedMemory(sc_core::sc_module_name name, const accel::DramTiming&)
        : sc_core::sc_module(name), socket("socket"), peq_(this, &PipelinedMemory::answer) {
        socket.register_nb_transport_fw(this, &PipelinedMemory::nb_transport_fw);
    }

  private:
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase, sc_core::sc_time& delay) {
        if (phase == tlm::END_RESP) return tlm::TLM_COMPLETED;
        if (phase != tlm::BEGIN_REQ) return tlm::TLM_ACCEPTED;
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        const sc_core::sc_time accept = std::max(now + delay, next_accept_);
        next_accept_ = accept + sc_core::sc_time(double(kAcceptPs), sc_core::SC_PS);
        p.set_response_status(tlm::TLM_OK_RESPONSE);
        tlm::tlm_phase resp = tlm::BEGIN_RESP;
        peq_.notify(p, resp, accept + sc_core::sc_time(double(kLatencyPs), sc_core::SC_PS) - now);
        phase = tlm::END_REQ;
        delay = next_accept_ - now;
        return tlm::TLM_UPDATED;
    }
    void answer(tlm::tlm_generic_payload& p, const tlm::tlm_phase& phase) {
        tlm::tlm_phase ph = phase;
        sc_core::sc_time zero = sc_core::SC_ZERO_TIME;
        socket->nb_transport_bw(p, ph, zero);
    }
    tlm_utils::peq_with_cb_and_phase<PipelinedMemory> peq_;
    sc_core::sc_time next_accept_ = sc_core::SC_ZERO_TIME;
};
QDES_SYSTEMC_MEMORY_MODEL("test_pipelined_memory", "an AT target: a request per 2 ns, 50 ns latency (tests)",
                          PipelinedMemory);

// Approximately timed, the bursts of an access are outstanding together: four bursts into the pipelined memory
// finish 50, 52, 54 and 56 ns after their issue (each request waits for the one before to end, 2 ns apart), where the
// waiting target of the test above takes 4 x 50 ns. The loosely timed example model, through simple_target_socket's
// AT-to-LT adapter (which waits out each answer in SystemC time), answers lone bursts issued 500 ns apart exactly as
// the built-in Dram, through 19 refreshes, and as LT in lock step. AT without lock step, and on the built-in model, is
// refused.
TEST(TlmMemoryBridge, ApproximatelyTimedBurstsOfAnAccessOverlap) {
    SKIP_UNDER_ASAN();
    register_systemc_memory_models();
    const accel::DramTiming t = accel::dram_preset("ddr4_2400");
    const std::uint64_t burst = t.burst_bytes();
    for (TimePs quantum : {TimePs(0), TimePs(1'000'000)}) {
        auto m = accel::make_memory_model("test_pipelined_memory", t, approximately_timed(quantum));
        EXPECT_EQ(m->access(0, burst, false, 10'000), 10'000 + PipelinedMemory::kLatencyPs);
        EXPECT_EQ(m->access(0, 4 * burst, false, 400'000), 400'000 + PipelinedMemory::kLatencyPs + 3 * 2'000);
        EXPECT_EQ(m->stats().bursts, 5u);
        EXPECT_EQ(m->stats().late_bursts, 3u);  // each behind its predecessor's request
        EXPECT_EQ(m->stats().late_ps, (1 + 2 + 3) * PipelinedMemory::kAcceptPs);
    }
    auto builtin = accel::make_memory_model("builtin", t);
    auto at = accel::make_memory_model("open_page_dram", t, approximately_timed(0));
    auto lt = accel::make_memory_model("open_page_dram", t, lockstep(0));
    for (int k = 0; k < 300; ++k) {
        const TimePs issue = TimePs(k) * 500'000;  // apart by more than a refresh and a burst
        const std::uint64_t address = std::uint64_t(k % 7) * 65'536 + std::uint64_t(k % 3) * burst;
        const TimePs b = builtin->access(address, burst, k % 4 == 0, issue);
        EXPECT_EQ(lt->access(address, burst, k % 4 == 0, issue), b) << "lt " << k;
        const TimePs a = at->access(address, burst, k % 4 == 0, issue);
        EXPECT_EQ(a, b) << "at " << k;
    }
    EXPECT_EQ(at->stats().late_bursts, 0u);
    EXPECT_GT(builtin->stats().refreshes, 15u);
    EXPECT_THROW(accel::make_memory_model("open_page_dram", t, [] {
                     accel::MemoryModelOptions o;
                     o.approximately_timed = true;
                     return o;
                 }()),
                 std::invalid_argument);
    EXPECT_THROW(accel::make_memory_model("builtin", t, approximately_timed(0)), std::invalid_argument);
}

// The shared-library example (plugins/closed_page_dram.cc), loaded as a scenario's dram_model_library loads it: its
// model joins the registry, and times bursts by the closed-page rule. DDR4-2400: tRCD = tCL = 13.32 ns, a burst
// 3.333 ns on the bus, tRAS = 32 ns, tRP = 13.32 ns. A lone burst: 26.64 + 3.333 = 29.973 ns. A second to the same
// row right after: the bank precharges from max(32, 29.973) for 13.32 ns, so it activates at 45.32 ns and its data
// end at 75.293 ns (the open-page example's row hit: 33.306 ns).
TEST(TlmMemoryBridge, AModelFromASharedLibraryJoinsTheRegistry) {
    SKIP_UNDER_ASAN();
    register_systemc_memory_models();
    accel::load_memory_model_library(QDES_CLOSED_PAGE_PLUGIN);
    accel::load_memory_model_library(QDES_CLOSED_PAGE_PLUGIN);  // a second time: nothing
    const std::vector<std::string> names = accel::memory_model_names();
    ASSERT_NE(std::find(names.begin(), names.end(), "closed_page_dram"), names.end());
    const accel::DramTiming t = accel::dram_preset("ddr4_2400");
    for (const accel::MemoryModelOptions& o : {accel::MemoryModelOptions{}, lockstep(0)}) {
        auto closed = accel::make_memory_model("closed_page_dram", t, o);
        EXPECT_EQ(closed->access(0, t.burst_bytes(), false, 0), 29'973u);
        EXPECT_EQ(closed->access(t.burst_bytes(), t.burst_bytes(), false, 0), 75'293u);
    }
    auto open = accel::make_memory_model("open_page_dram", t);
    EXPECT_EQ(open->access(0, t.burst_bytes(), false, 0), 29'973u);
    EXPECT_EQ(open->access(t.burst_bytes(), t.burst_bytes(), false, 0), 33'306u);
    try {
        accel::load_memory_model_library("/no/such/libmodel.so");
        FAIL() << "a missing library loaded";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("dram_model_library: cannot load /no/such/libmodel.so: "),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace qdes::systemc
