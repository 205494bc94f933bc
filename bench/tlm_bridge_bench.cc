// What the SystemC/TLM-2.0 bridge (hardware/systemc/) costs per transaction: the same trace of DRAM accesses served
// by the built-in Dram (a direct call per burst) and by the example SystemC model through the bridge (a generic
// payload and a b_transport call per burst), in the same invocation; best of 5 passes, one core.
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
    double seconds[2] = {1e300, 1e300};
    std::uint64_t bursts = 0, check[2] = {0, 0};
    const char* names[2] = {"builtin", "open_page_dram"};
    for (int pass = 0; pass < 5; ++pass)
        for (int k = 0; k < 2; ++k) {
            auto memory = accel::make_memory_model(names[k], timing);
            const auto t0 = std::chrono::steady_clock::now();
            std::uint64_t sum = 0;
            for (const auto& a : trace) sum += memory->access(a.address, a.bytes, a.write, a.issue);
            seconds[k] = std::min(seconds[k], std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            check[k] = sum;
            bursts = memory->stats().bursts;
        }
    for (int k = 0; k < 2; ++k)
        std::printf("%-15s %8zu accesses %9llu bursts  %7.1f ns per burst\n", names[k], n, (unsigned long long)bursts,
                    seconds[k] / double(bursts) * 1e9);
    std::printf("bridge / direct: %.2f; completion times %s\n", seconds[1] / seconds[0],
                check[0] == check[1] ? "identical" : "DIFFER");
    return check[0] == check[1] ? 0 : 1;
}
