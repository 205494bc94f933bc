// The event queue's cost per operation as the number of pending events grows from 10 to 10^6: the classic "hold"
// model (pop the earliest event, push one a random delay later), so the pending count stays at n. An O(log n) queue
// shows a cost that grows by a constant per decade of n.

#include <benchmark/benchmark.h>

#include "sim/event_queue.h"
#include "sim/random.h"

namespace {

void BM_Hold(benchmark::State& state) {
    const auto n = std::uint64_t(state.range(0));
    qdes::EventQueue q;
    qdes::RandomStream rng(1, 2);
    std::uint64_t seq = 0;
    for (std::uint64_t i = 0; i < n; ++i) q.push({rng.uniform_below(1'000'000), 0, 1, seq++}, [] {});
    qdes::EventKey key;
    qdes::Action action;
    for (auto _ : state) {
        q.pop(key, action);
        q.push({key.time + 1 + rng.uniform_below(1'000'000), 0, 1, seq++}, [] {});
    }
    state.SetItemsProcessed(state.iterations());
    state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_Hold)->RangeMultiplier(10)->Range(10, 1'000'000)->Complexity(benchmark::oLogN);

}  // namespace

BENCHMARK_MAIN();
