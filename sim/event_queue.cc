#include "sim/event_queue.h"

#include <cassert>
#include <utility>

namespace qdes {
namespace {
constexpr std::size_t kArity = 4;
}

EventId EventQueue::push(const EventKey& key, Action action) {
    std::uint32_t slot;
    if (!free_slots_.empty()) {
        slot = free_slots_.back();
        free_slots_.pop_back();
    } else {
        slot = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    Slot& s = slots_[slot];
    s.action = std::move(action);
    s.pending = true;
    std::uint64_t order = (std::uint64_t(std::uint32_t(key.priority) ^ 0x80000000u) << 32) | key.source;
    heap_.push_back(Entry{key.time, order, key.sequence, slot});
    sift_up(heap_.size() - 1);
    return EventId{slot, s.generation};
}

bool EventQueue::is_pending(EventId id) const {
    return id.valid() && id.slot < slots_.size() && slots_[id.slot].generation == id.generation &&
           slots_[id.slot].pending;
}

bool EventQueue::cancel(EventId id) {
    if (!is_pending(id)) return false;
    Slot& s = slots_[id.slot];
    s.pending = false;
    s.action.reset();
    ++cancelled_in_heap_;
    if (cancelled_in_heap_ > 1024 && cancelled_in_heap_ * 2 > heap_.size()) rebuild_without_cancelled();
    return true;
}

const EventKey& EventQueue::peek() {
    drop_cancelled_top();
    assert(!heap_.empty());
    const Entry& e = heap_.front();
    top_key_ = EventKey{e.time, std::int32_t(std::uint32_t(e.order >> 32) ^ 0x80000000u),
                        std::uint32_t(e.order & 0xffffffffu), e.sequence};
    return top_key_;
}

void EventQueue::pop(EventKey& key, Action& action) {
    key = peek();
    std::uint32_t slot = heap_.front().slot;
    action = std::move(slots_[slot].action);
    slots_[slot].pending = false;
    free_slot(slot);
    remove_top();
}

void EventQueue::clear() {
    for (const Entry& e : heap_) {
        if (slots_[e.slot].pending) {
            slots_[e.slot].pending = false;
            slots_[e.slot].action.reset();
        }
        free_slot(e.slot);
    }
    heap_.clear();
    cancelled_in_heap_ = 0;
}

void EventQueue::drop_cancelled_top() {
    while (!heap_.empty() && !slots_[heap_.front().slot].pending) {
        free_slot(heap_.front().slot);
        --cancelled_in_heap_;
        remove_top();
    }
}

void EventQueue::remove_top() {
    Entry last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) {
        heap_.front() = last;
        sift_down(0);
    }
}

void EventQueue::free_slot(std::uint32_t slot) {
    Slot& s = slots_[slot];
    if (++s.generation == 0) s.generation = 1;  // 0 is reserved for the null handle
    free_slots_.push_back(slot);
}

void EventQueue::sift_up(std::size_t i) {
    Entry moving = heap_[i];
    while (i > 0) {
        std::size_t parent = (i - 1) / kArity;
        if (!less(moving, heap_[parent])) break;
        heap_[i] = heap_[parent];
        i = parent;
    }
    heap_[i] = moving;
}

void EventQueue::sift_down(std::size_t i) {
    const std::size_t n = heap_.size();
    Entry moving = heap_[i];
    while (true) {
        std::size_t first = i * kArity + 1;
        if (first >= n) break;
        std::size_t best = first;
        std::size_t end = first + kArity < n ? first + kArity : n;
        for (std::size_t c = first + 1; c < end; ++c) {
            if (less(heap_[c], heap_[best])) best = c;
        }
        if (!less(heap_[best], moving)) break;
        heap_[i] = heap_[best];
        i = best;
    }
    heap_[i] = moving;
}

void EventQueue::rebuild_without_cancelled() {
    std::size_t kept = 0;
    for (const Entry& e : heap_) {
        if (slots_[e.slot].pending) {
            heap_[kept++] = e;
        } else {
            free_slot(e.slot);
        }
    }
    heap_.resize(kept);
    cancelled_in_heap_ = 0;
    for (std::size_t i = heap_.size() / kArity + 1; i-- > 0;) {
        if (i < heap_.size()) sift_down(i);
    }
}

}  // namespace qdes
