#pragma once
/// The pending-event set: a 4-ary min-heap over event keys, with O(1) lazy cancellation.
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
/// Costs (n pending events, c cancelled ones still stored):
///   push O(log n) · pop O(log n) · cancel O(1) · is_pending O(1) · memory 32 bytes per heap entry plus one slot
///   (an Action and a generation) per pending event.
/// Cancelled events stay in the heap and are dropped when they reach the top; when they outnumber live ones the heap
/// is rebuilt in O(n), so c never exceeds n by more than a constant factor.

#include <cstdint>
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

/// A handle to a scheduled event, valid for `cancel` and `is_pending` until the event runs or is cancelled (after
/// that, both report false: a handle is never confused with a later event that reuses its storage).
struct EventId {
    std::uint32_t slot = 0;
    std::uint32_t generation = 0;  ///< 0: the null handle
    bool valid() const { return generation != 0; }
};

class EventQueue {
public:
    EventQueue() = default;
    EventQueue(const EventQueue&) = delete;
    EventQueue& operator=(const EventQueue&) = delete;

    /// Adds an event. The caller guarantees that (source, sequence) pairs are never repeated.
    EventId push(const EventKey& key, Action action);

    /// Cancels a pending event; returns false if it already ran, was cancelled, or the handle is null.
    bool cancel(EventId id);

    /// True while the event has neither run nor been cancelled.
    bool is_pending(EventId id) const;

    /// Number of pending (not cancelled) events.
    std::size_t size() const { return heap_.size() - cancelled_in_heap_; }
    bool empty() const { return size() == 0; }

    /// Key of the next event to run. Requires !empty().
    const EventKey& peek();

    /// Removes the next event into `key` and `action`. Requires !empty().
    void pop(EventKey& key, Action& action);

    /// Drops every event.
    void clear();

private:
    struct Entry {
        TimePs time;
        std::uint64_t order;  ///< (priority + 2^31) << 32 | source
        std::uint64_t sequence;
        std::uint32_t slot;
    };
    struct Slot {
        Action action;
        std::uint32_t generation = 1;
        bool pending = false;
    };

    static bool less(const Entry& a, const Entry& b) {
        if (a.time != b.time) return a.time < b.time;
        if (a.order != b.order) return a.order < b.order;
        return a.sequence < b.sequence;
    }
    void sift_up(std::size_t i);
    void sift_down(std::size_t i);
    void drop_cancelled_top();
    void remove_top();
    void free_slot(std::uint32_t slot);
    void rebuild_without_cancelled();

    std::vector<Entry> heap_;
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> free_slots_;
    std::size_t cancelled_in_heap_ = 0;
    EventKey top_key_;
};

}  // namespace qdes
