#pragma once
/// The pending-event set: a radix heap over integer event times, with O(1) lazy cancellation.
///
/// Ordering. Events are ordered by the key (time, priority, source, sequence), compared in that order:
///   - time: when the event fires, in picoseconds;
///   - priority: among events at the same time, lower values run first (default 0);
///   - source: the id of the component that scheduled the event (0 is the kernel itself);
///   - sequence: a counter private to the source, incremented at every schedule.
/// Since every source numbers its own events, two distinct events never compare equal, and the order of same-time
/// events depends only on which component scheduled them and in what order, never on how scheduling calls from
/// different components interleave. This is what makes a run bit-identical however it is partitioned.
///
/// Structure. Simulated time never goes backwards, which a radix heap exploits (Ahuja, Mehlhorn, Orlin and Tarjan,
/// "Faster algorithms for the shortest path problem", J. ACM 37(2), 1990). With `base` the time of the earliest
/// event, an event at time t lives in the "now" bucket if t == base, else in bucket bit_width(t XOR base) (1 to 64):
/// the highest bit in which it differs from the base. Every event of a lower bucket is earlier than every event of a
/// higher one, and moving the base to the earliest event of the lowest non-empty bucket leaves every other bucket
/// valid. When the now bucket runs out, that lowest bucket is emptied: its earliest time becomes the new base and
/// its events move to strictly lower buckets. The now bucket is a binary heap on (priority, source, sequence),
/// since its events share one time. Worked example, base = 8 (0b1000): events at 8, 8, 9, 12 and 40 go to "now",
/// "now", 1 (9 ^ 8 = 0b1), 3 (12 ^ 8 = 0b100) and 6 (40 ^ 8 = 0b100000). After both 8s run, bucket 1 is the lowest
/// non-empty one; base becomes 9 and the event at 9 moves to "now".
///
/// Costs (n pending events): push O(1) · pop O(log n) for same-time events, plus amortised O(1) per event for each
/// bucket it moves down (at most 64, in practice a few) · cancel O(1) · memory 32 bytes per stored event plus one
/// slot (an Action and a generation) per pending event. Cancelled events stay stored and are dropped when they
/// come up; when they outnumber live ones the buckets are swept in O(n). An event pushed earlier than the current
/// base (possible only between runs, after a time limit) rebuilds the buckets in O(n).

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/action.h"
#include "sim/time.h"

namespace qdes {

/// The total order of events. Lower keys run first.
struct EventKey {
    TimePs time = 0;
    std::int32_t priority = 0;
    std::uint32_t source = 0;
    std::uint64_t sequence = 0;
};

/// Where a pending event's action lives. Slots are allocated in chunks that never move, and are reused.
struct EventSlot {
    Action action;
    std::uint32_t generation = 1;  ///< bumped each time the slot is freed, so stale handles are recognised
    bool pending = false;
    EventSlot* next_free = nullptr;  ///< free list link while the slot is unused
};

/// A handle to a scheduled event, valid for `cancel` and `is_pending` until the event runs or is cancelled (after
/// that, both report false: a handle is never confused with a later event that reuses its storage).
struct EventId {
    EventSlot* slot = nullptr;
    std::uint32_t generation = 0;  ///< 0: the null handle
    bool valid() const { return generation != 0; }
};

class EventQueue {
  public:
    EventQueue() = default;
    EventQueue(const EventQueue&) = delete;
    EventQueue& operator=(const EventQueue&) = delete;

    /// Adds an event. The caller guarantees that (source, sequence) pairs are never repeated.
    EventId push(const EventKey& key, Action&& action) { return emplace(key, std::move(action)); }

    /// Adds an event whose action is constructed in place from `f` (any void() callable).
    template <class F>
    EventId emplace(const EventKey& key, F&& f) {
        EventSlot* slot = free_head_ ? free_head_ : new_slot();
        free_head_ = slot->next_free;
        EventSlot& s = *slot;
        s.action.construct_empty(std::forward<F>(f));  // the slot's action was reset when it was freed
        s.pending = true;
        std::uint64_t order = (std::uint64_t(std::uint32_t(key.priority) ^ 0x80000000u) << 32) | key.source;
        insert(Entry{key.time, order, key.sequence, slot});
        ++stored_;
        return EventId{slot, s.generation};
    }

    /// Cancels a pending event; returns false if it already ran, was cancelled, or the handle is null.
    bool cancel(EventId id);

    /// True while the event has neither run nor been cancelled.
    bool is_pending(EventId id) const { return id.valid() && id.slot->generation == id.generation && id.slot->pending; }

    /// Number of pending (not cancelled) events.
    std::size_t size() const { return stored_ - cancelled_; }
    bool empty() const { return size() == 0; }

    /// Time of the next event to run. Requires !empty().
    TimePs next_time() {
        settle();
        return base_;
    }

    /// Key of the next event to run. Requires !empty().
    EventKey peek() {
        settle();
        const Entry& e = now_bucket_.front();
        return EventKey{e.time, std::int32_t(std::uint32_t(e.order >> 32) ^ 0x80000000u),
                        std::uint32_t(e.order & 0xffffffffu), e.sequence};
    }

    /// Removes the next event into `key` and `action`. Requires !empty().
    void pop(EventKey& key, Action& action) {
        key = peek();
        pop_action(action);
    }

    /// Removes the next event, keeping only its action. Requires !empty() and that next_time() or peek() was
    /// called since the queue last changed.
    void pop_action(Action& action) {
        EventSlot* slot = take_next();
        action = std::move(slot->action);
        release(slot);
    }

    /// Removes the next event and runs its action where it is stored (actions never move while they run, even when
    /// they schedule events). Requires !empty() and that next_time() or peek() was called since the queue last
    /// changed. If the action throws, its slot is freed and the exception propagates.
    void pop_and_run() {
        EventSlot* slot = take_next();
        try {
            slot->action();
        } catch (...) {
            release(slot);
            throw;
        }
        release(slot);
    }

    /// Drops every event.
    void clear();

  private:
    struct Entry {
        TimePs time;
        std::uint64_t order;  ///< (priority + 2^31) << 32 | source
        std::uint64_t sequence;
        EventSlot* slot;
    };
    /// Same-time order, for bucket 0's heap (std heaps are max-heaps, hence "later").
    static bool later(const Entry& a, const Entry& b) {
        return a.order != b.order ? a.order > b.order : a.sequence > b.sequence;
    }
    void insert(const Entry& e) {
        if (stored_ == 0) base_ = e.time;  // nothing else stored: the base may move to this event
        if (e.time == base_) {
            push_now_bucket(e);
        } else if (e.time > base_) {
            unsigned b = 64u - unsigned(__builtin_clzll(e.time ^ base_));
            buckets_[b].push_back(e);
            occupied_ |= std::uint64_t(1) << (b - 1);
        } else {
            rebase(e);
        }
    }
    void push_now_bucket(const Entry& e) {
        now_bucket_.push_back(e);
        if (now_bucket_.size() > 1) push_now_heap();
    }
    void pop_now_bucket() {
        if (now_bucket_.size() == 2) {
            now_bucket_.front() = now_bucket_.back();  // a one-element heap needs no sifting
        } else if (now_bucket_.size() > 2) {
            pop_now_heap();
        }
        now_bucket_.pop_back();
    }
    void push_now_heap();
    void pop_now_heap();
    /// Makes bucket 0 non-empty with a pending event at its top. Requires !empty().
    void settle() {
        if (now_bucket_.empty() || (cancelled_ != 0 && !now_bucket_.front().slot->pending)) settle_slow();
    }
    void settle_slow();
    void rebase(const Entry& earlier);
    void sweep_cancelled();
    static constexpr std::size_t kChunkSlots = 1024;  ///< slots are allocated this many at a time
    EventSlot* new_slot();
    /// Unlinks the next event from the now bucket; its slot is no longer pending but not yet free.
    EventSlot* take_next() {
        EventSlot* slot = now_bucket_.front().slot;
        pop_now_bucket();
        --stored_;
        slot->pending = false;
        return slot;
    }
    void release(EventSlot* slot) {
        slot->action.reset();
        free_slot(slot);
    }
    void free_slot(EventSlot* slot) {
        if (++slot->generation == 0) slot->generation = 1;  // 0 is reserved for the null handle
        slot->next_free = free_head_;
        free_head_ = slot;
    }

    TimePs base_ = 0;
    std::vector<Entry> now_bucket_;               ///< bucket 0: events at time base_, a heap by `later`
    std::array<std::vector<Entry>, 65> buckets_;  ///< buckets 1..64 (index 0 unused)
    std::uint64_t occupied_ = 0;                  ///< bit b-1 set when bucket b may be non-empty
    std::vector<std::unique_ptr<EventSlot[]>> chunks_;
    std::size_t slots_in_last_chunk_ = kChunkSlots;
    EventSlot* free_head_ = nullptr;  ///< first unused slot
    std::size_t stored_ = 0;          ///< entries in all buckets, cancelled ones included
    std::size_t cancelled_ = 0;       ///< cancelled entries still stored
};

}  // namespace qdes
