#pragma once
/// Work split across threads whose results are used in order: batch k is produced by worker k mod T while the
/// consumer takes batches 0, 1, 2, ... as they become ready. Each worker holds at most one finished batch, so
/// memory stays at T results whatever the count. When every batch's result depends only on k (a random stream
/// keyed by k, not a stream shared across batches), the consumed sequence is the same for every T: that is how
/// `qdes detect` and `quantum_memory` use every core and give what one thread gives.

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace qdes {

/// Batches [first, count) produced on worker threads and taken in order with next(). `produce(worker, k)` runs on
/// worker `worker` in [0, threads) (each worker's calls are sequential, so it may own per-worker state). With
/// threads <= 1 there are no threads: next() produces the batch itself. The destructor stops the workers (a batch
/// being produced is finished first).
template <class Result>
class OrderedPipeline {
  public:
    using Produce = std::function<Result(unsigned worker, std::uint64_t k)>;

    OrderedPipeline(unsigned threads, std::uint64_t first, std::uint64_t count, Produce produce)
        : produce_(std::move(produce)), next_(first), count_(count) {
        const std::uint64_t left = count > first ? count - first : 0;
        threads_ = unsigned(std::min<std::uint64_t>(threads, left));
        if (threads_ <= 1) {
            threads_ = 0;
            return;
        }
        slots_ = std::vector<Slot>(threads_);
        workers_.reserve(threads_);
        for (unsigned w = 0; w < threads_; ++w) workers_.emplace_back([this, w] { work(w); });
    }
    OrderedPipeline(const OrderedPipeline&) = delete;
    OrderedPipeline& operator=(const OrderedPipeline&) = delete;
    ~OrderedPipeline() { stop(); }

    /// The next batch's result, waiting for it; nothing once all are taken. Rethrows a worker's exception.
    std::optional<Result> next() {
        if (next_ >= count_) return std::nullopt;
        const std::uint64_t k = next_++;
        if (threads_ == 0) return produce_(0u, k);
        Slot& slot = slots_[slot_of(k)];
        std::unique_lock<std::mutex> lock(slot.m);
        slot.cv.wait(lock, [&] { return slot.result.has_value() || slot.error; });
        if (slot.error) {
            const std::exception_ptr error = slot.error;
            lock.unlock();
            stop();
            std::rethrow_exception(error);
        }
        std::optional<Result> r = std::move(slot.result);
        slot.result.reset();
        slot.cv.notify_all();
        return r;
    }

    /// Stops the workers; next() must not be called afterwards.
    void stop() {
        for (Slot& s : slots_) {
            std::lock_guard<std::mutex> lock(s.m);
            s.stop = true;
            s.cv.notify_all();
        }
        for (std::thread& t : workers_)
            if (t.joinable()) t.join();
        workers_.clear();
    }

  private:
    struct Slot {
        std::mutex m;
        std::condition_variable cv;
        std::optional<Result> result;
        std::exception_ptr error;
        bool stop = false;
    };

    unsigned slot_of(std::uint64_t k) const { return unsigned((k - first_of_workers_) % threads_); }

    void work(unsigned w) {
        Slot& slot = slots_[w];
        for (std::uint64_t k = first_of_workers_ + w; k < count_; k += threads_) {
            {
                std::lock_guard<std::mutex> lock(slot.m);
                if (slot.stop) return;
            }
            std::optional<Result> r;
            std::exception_ptr error;
            try {
                r.emplace(produce_(w, k));
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
    }

    Produce produce_;
    std::uint64_t next_;
    const std::uint64_t first_of_workers_ = next_;
    std::uint64_t count_;
    unsigned threads_ = 0;
    std::vector<Slot> slots_;
    std::vector<std::thread> workers_;
};

/// `produce(worker, k)` for k in [0, count) on `threads` workers; `consume(k, result)` on the calling thread in
/// order of k, returning false to stop early. An exception from either stops all workers and is rethrown here.
template <class Result, class Produce, class Consume>
void ordered_parallel(unsigned threads, std::uint64_t count, Produce produce, Consume consume) {
    OrderedPipeline<Result> pipeline(threads, 0, count, [&](unsigned w, std::uint64_t k) { return produce(w, k); });
    for (std::uint64_t k = 0; k < count; ++k) {
        std::optional<Result> r = pipeline.next();
        if (!consume(k, std::move(*r))) return;
    }
}

}  // namespace qdes
