// What the SystemC/TLM-2.0 bridge (hardware/systemc/) costs per transaction: the same trace of DRAM accesses served
// by the built-in Dram (a direct call per burst) and by the example SystemC model through the bridge (a generic
// payload and a b_transport call per burst), decoupled and in lock step with SystemC's scheduler (quantum 0: a
// thread switch and a run of the scheduler per burst), in the same invocation; best of 5 passes, one core.
//
// usage: tlm_bridge_bench [accesses]    (default 200 000; each access is 1 to 4 bursts)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "hardware/accel/memory_models.h"
#include "hardware/systemc/register.h"

using namespace qdes;

int main(int argc, char** argv) {
    const std::size_t n = argc > 1 ? std::size_t(std::atoll(argv[1])) : 200000;
    systemc::register_systemc_memory_models();
    struct Access {
        std::uint64_t address, bytes;
        bool write;
        TimePs issue;
    };
    std::mt19937_64 rng(1);
    std::vector<Access> trace;
    TimePs t = 0;
    for (std::size_t i = 0; i < n; ++i, t += 20'000)
        trace.push_back({(rng() % (1u << 20)) * 64, 64u << (rng() % 3), rng() % 4 == 0, t});
    const accel::DramTiming timing = accel::dram_preset("ddr4_2400");
    constexpr int kWays = 3;
    double seconds[kWays] = {1e300, 1e300, 1e300};
    std::uint64_t bursts = 0, check[kWays] = {0, 0, 0};
    const char* names[kWays] = {"builtin", "open_page_dram", "open_page_dram"};
    const char* labels[kWays] = {"builtin", "bridge, decoupled", "bridge, lockstep"};
    accel::MemoryModelOptions options[kWays];
    options[2].sync = accel::MemorySync::kLockstep;
    for (int pass = 0; pass < 5; ++pass)
        for (int k = 0; k < kWays; ++k) {
            auto memory = accel::make_memory_model(names[k], timing, options[k]);
            const auto t0 = std::chrono::steady_clock::now();
            std::uint64_t sum = 0;
            for (const auto& a : trace) sum += memory->access(a.address, a.bytes, a.write, a.issue);
            seconds[k] = std::min(seconds[k], std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            check[k] = sum;
            bursts = memory->stats().bursts;
        }
    for (int k = 0; k < kWays; ++k)
        std::printf("%-18s %8zu accesses %9llu bursts  %7.1f ns per burst  (%.2fx the direct call)\n", labels[k], n,
                    (unsigned long long)bursts, seconds[k] / double(bursts) * 1e9, seconds[k] / seconds[0]);
    const bool same = check[0] == check[1] && check[0] == check[2];
    std::printf("completion times %s\n", same ? "identical" : "DIFFER");
    return same ? 0 : 1;
}
