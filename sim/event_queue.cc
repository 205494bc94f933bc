#include "sim/event_queue.h"

#include <algorithm>
#include <utility>

namespace qdes {

EventSlot* EventQueue::new_slot() {
    if (slots_in_last_chunk_ == kChunkSlots) {
        chunks_.push_back(std::make_unique<EventSlot[]>(kChunkSlots));
        slots_in_last_chunk_ = 0;
    }
    return &chunks_.back()[slots_in_last_chunk_++];
}

bool EventQueue::cancel(EventId id) {
    if (!is_pending(id)) return false;
    id.slot->pending = false;
    id.slot->action.reset();
    ++cancelled_;
    if (cancelled_ > 1024 && cancelled_ * 2 > stored_) sweep_cancelled();
    return true;
}

void EventQueue::push_now_heap() {
    std::push_heap(now_bucket_.begin(), now_bucket_.end(), later);
}

void EventQueue::pop_now_heap() {
    std::pop_heap(now_bucket_.begin(), now_bucket_.end(), later);
}

void EventQueue::settle_slow() {
    while (true) {
        // Drop cancelled events at the top of bucket 0.
        while (!now_bucket_.empty() && !now_bucket_.front().slot->pending) {
            free_slot(now_bucket_.front().slot);
            pop_now_bucket();
            --stored_;
            --cancelled_;
        }
        if (!now_bucket_.empty()) return;
        // Empty the lowest non-empty bucket into lower ones, around its earliest time.
        while (occupied_ != 0) {
            unsigned b = unsigned(__builtin_ctzll(occupied_)) + 1;
            std::vector<Entry>& bucket = buckets_[b];
            occupied_ &= occupied_ - 1;  // clear the bit: the bucket is emptied now
            if (bucket.empty()) continue;
            if (bucket.size() == 1) {  // common when few events are pending: no search, no moves
                base_ = bucket.front().time;
                now_bucket_.push_back(bucket.front());
                bucket.clear();
                break;
            }
            TimePs earliest = bucket.front().time;
            for (const Entry& e : bucket) earliest = std::min(earliest, e.time);
            base_ = earliest;
            // Every entry lands in "now" or in a bucket below b (it agrees with the new base above bit b-1).
            for (const Entry& e : bucket) {
                if (e.time == earliest) {
                    now_bucket_.push_back(e);
                } else {
                    unsigned lower = 64u - unsigned(__builtin_clzll(e.time ^ earliest));
                    buckets_[lower].push_back(e);
                    occupied_ |= std::uint64_t(1) << (lower - 1);
                }
            }
            bucket.clear();
            if (now_bucket_.size() > 1) std::make_heap(now_bucket_.begin(), now_bucket_.end(), later);
            break;
        }
        if (now_bucket_.empty()) return;  // nothing stored at all (callers require !empty())
    }
}

void EventQueue::rebase(const Entry& earlier) {
    // An event before the base (scheduled between runs, after a time limit): rebuild around its time.
    std::vector<Entry> all;
    all.swap(now_bucket_);
    for (auto& bucket : buckets_) {
        all.insert(all.end(), bucket.begin(), bucket.end());
        bucket.clear();
    }
    occupied_ = 0;
    base_ = earlier.time;
    push_now_bucket(earlier);
    for (const Entry& e : all) insert(e);
}

void EventQueue::sweep_cancelled() {
    auto sweep = [this](std::vector<Entry>& v) {
        std::size_t kept = 0;
        for (const Entry& e : v) {
            if (e.slot->pending) {
                v[kept++] = e;
            } else {
                free_slot(e.slot);
                --stored_;
                --cancelled_;
            }
        }
        v.resize(kept);
    };
    sweep(now_bucket_);
    std::make_heap(now_bucket_.begin(), now_bucket_.end(), later);
    for (auto& bucket : buckets_) sweep(bucket);
}

void EventQueue::clear() {
    auto drop = [this](std::vector<Entry>& v) {
        for (const Entry& e : v) {
            e.slot->pending = false;
            e.slot->action.reset();
            free_slot(e.slot);
        }
        v.clear();
    };
    drop(now_bucket_);
    for (auto& bucket : buckets_) drop(bucket);
    occupied_ = 0;
    stored_ = cancelled_ = 0;
}

}  // namespace qdes
