#pragma once
/// Shots sampled batch after batch on worker threads, with the one convention that makes the shots independent of
/// the thread count: batch k (counted over the sampler's life) runs on the random stream (seed, k). `qdes detect
/// --seed S --batch B` and the Python sampler both sample through here, so they give the same shots.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/quantum/frame_simulator.h"
#include "sim/ordered_parallel.h"

namespace qdes::quantum {

/// Samples `shots` shots in batches of `batch`, batches first_batch, first_batch + 1, ... on up to `threads`
/// workers, each with a simulator of `sims` (made as needed, kept for the next call). `use(sim, first shot, n)`
/// runs on the worker right after its batch and returns its result; `then(result)` runs on the calling thread in
/// batch order and returns false to stop. Returns the batches sampled.
template <class Use, class Then>
std::uint64_t sample_batches(const Program& program, std::size_t batch, std::uint64_t seed, std::uint64_t shots,
                             unsigned threads, std::uint64_t first_batch,
                             std::vector<std::unique_ptr<FrameSimulator>>& sims, Use use, Then then) {
    const std::uint64_t batches = (shots + batch - 1) / batch;
    threads = unsigned(std::max<std::uint64_t>(1, std::min<std::uint64_t>(threads, batches)));
    while (sims.size() < threads) sims.push_back(std::make_unique<FrameSimulator>(program, batch, seed));
    using Result = decltype(use(*sims[0], std::uint64_t(0), std::size_t(0)));
    ordered_parallel<Result>(
        threads, batches,
        [&](unsigned w, std::uint64_t k) {
            FrameSimulator& sim = *sims[w];
            sim.restart_stream(first_batch + k);
            sim.run();
            const std::size_t n = std::size_t(std::min<std::uint64_t>(batch, shots - k * batch));
            return use(static_cast<const FrameSimulator&>(sim), k * batch, n);
        },
        [&](std::uint64_t, Result r) { return then(std::move(r)); });
    return batches;
}

}  // namespace qdes::quantum
