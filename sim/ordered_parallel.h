#pragma once
/// Work split across threads whose results are used in order: batch k is produced by worker k mod T while the
/// calling thread consumes batches 0, 1, 2, ... as they become ready. Each worker holds at most one finished
/// batch, so memory stays at T results whatever the count. When every batch's result depends only on k (a random
/// stream keyed by k, not a stream shared across batches), the consumed sequence is the same for every T: that
/// is how `qdes detect` uses every core and writes the file one thread would.

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace qdes {

/// `produce(worker, k)` returns batch k's result, on worker `worker` in [0, threads) (each worker's calls are
/// sequential, so it may own per-worker state); `consume(k, result)` runs on the calling thread in order of k and
/// returns false to stop early. With threads <= 1 everything runs on the calling thread. An exception from either
/// stops all workers and is rethrown here.
template <class Result, class Produce, class Consume>
void ordered_parallel(unsigned threads, std::uint64_t count, Produce produce, Consume consume) {
    if (threads <= 1 || count <= 1) {
        for (std::uint64_t k = 0; k < count; ++k)
            if (!consume(k, produce(0u, k))) return;
        return;
    }
    if (std::uint64_t(threads) > count) threads = unsigned(count);
    struct Slot {
        std::mutex m;
        std::condition_variable cv;
        std::optional<Result> result;
        std::exception_ptr error;
        bool stop = false;
    };
    std::vector<Slot> slots(threads);
    std::vector<std::thread> workers;
    workers.reserve(threads);
    for (unsigned w = 0; w < threads; ++w) {
        workers.emplace_back([&, w] {
            Slot& slot = slots[w];
            for (std::uint64_t k = w; k < count; k += threads) {
                std::optional<Result> r;
                std::exception_ptr error;
                try {
                    r.emplace(produce(w, k));
                } catch (...) {
                    error = std::current_exception();
                }
                std::unique_lock<std::mutex> lock(slot.m);
                slot.cv.wait(lock, [&] { return slot.stop || (!slot.result && !slot.error); });
                if (slot.stop) return;
                slot.result = std::move(r);
                slot.error = error;
                slot.cv.notify_all();
                if (error) return;
            }
        });
    }
    auto stop_all = [&] {
        for (Slot& s : slots) {
            std::lock_guard<std::mutex> lock(s.m);
            s.stop = true;
            s.cv.notify_all();
        }
        for (std::thread& t : workers) t.join();
    };
    for (std::uint64_t k = 0; k < count; ++k) {
        Slot& slot = slots[k % threads];
        std::optional<Result> r;
        {
            std::unique_lock<std::mutex> lock(slot.m);
            slot.cv.wait(lock, [&] { return slot.result.has_value() || slot.error; });
            if (slot.error) {
                const std::exception_ptr error = slot.error;
                lock.unlock();
                stop_all();
                std::rethrow_exception(error);
            }
            r = std::move(slot.result);
            slot.result.reset();
            slot.cv.notify_all();
        }
        bool go_on;
        try {
            go_on = consume(k, std::move(*r));
        } catch (...) {
            stop_all();
            throw;
        }
        if (!go_on) {
            stop_all();
            return;
        }
    }
    stop_all();
}

}  // namespace qdes
