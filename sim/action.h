#pragma once
/// `Action`: a move-only `void()` callable for events, stored inline when it is small.
///
/// An event's work is usually a lambda capturing a component pointer and an index or a small message. Those fit in
/// the inline buffer (kInlineBytes) and cost no allocation; larger or non-trivially-copyable callables are moved to
/// the heap.

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace qdes {

/// A callable given as a function over inline bytes: an Action built from it stores `payload` and calls
/// `invoke(&payload)` directly. Used where the bytes already say what to call (a message and its destination port),
/// to make one indirect call instead of two.
template <class Payload>
struct RawAction {
    static_assert(std::is_trivially_copyable_v<Payload>);
    void (*invoke)(void*);
    Payload payload;
};

template <class T>
struct IsRawAction : std::false_type {};
template <class P>
struct IsRawAction<RawAction<P>> : std::true_type {};

class Action {
  public:
    static constexpr std::size_t kInlineBytes = 48;

    Action() = default;

    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Action>>>
    Action(F&& f) {  // NOLINT(google-explicit-constructor): lambdas convert implicitly, like std::function.
        construct(std::forward<F>(f));
    }

    Action(Action&& o) noexcept : invoke_(o.invoke_), destroy_(o.destroy_) {
        std::memcpy(buffer_, o.buffer_, kInlineBytes);
        o.invoke_ = nullptr;
        o.destroy_ = nullptr;
    }
    Action& operator=(Action&& o) noexcept {
        if (this != &o) {
            reset();
            invoke_ = o.invoke_;
            destroy_ = o.destroy_;
            std::memcpy(buffer_, o.buffer_, kInlineBytes);
            o.invoke_ = nullptr;
            o.destroy_ = nullptr;
        }
        return *this;
    }
    Action(const Action&) = delete;
    Action& operator=(const Action&) = delete;
    ~Action() { reset(); }

    /// Replaces the held callable with `f` (or with the callable `f` holds, when `f` is an Action).
    template <class F>
    void emplace(F&& f) {
        if constexpr (std::is_same_v<std::decay_t<F>, Action>) {
            *this = std::move(f);
        } else {
            reset();
            construct(std::forward<F>(f));
        }
    }

    /// Constructs the callable in an Action known to be empty (no reset needed): the event queue's hot path.
    template <class F>
    void construct_empty(F&& f) {
        if constexpr (std::is_same_v<std::decay_t<F>, Action>) {
            *this = std::move(f);
        } else {
            construct(std::forward<F>(f));
        }
    }

    explicit operator bool() const { return invoke_ != nullptr; }
    void operator()() { invoke_(buffer_); }

    void reset() {
        if (destroy_) destroy_(buffer_);
        invoke_ = nullptr;
        destroy_ = nullptr;
    }

  private:
    template <class F>
    void construct(F&& f) {
        using Fn = std::decay_t<F>;
        if constexpr (IsRawAction<Fn>::value) {
            static_assert(sizeof(f.payload) <= kInlineBytes, "RawAction payload too large for the inline buffer");
            std::memcpy(buffer_, &f.payload, sizeof(f.payload));
            invoke_ = f.invoke;
            destroy_ = nullptr;
        } else if constexpr (sizeof(Fn) <= kInlineBytes && alignof(Fn) <= alignof(std::max_align_t) &&
                             std::is_trivially_copyable_v<Fn> && std::is_trivially_destructible_v<Fn>) {
            ::new (static_cast<void*>(buffer_)) Fn(std::forward<F>(f));
            invoke_ = [](void* p) { (*static_cast<Fn*>(p))(); };
            destroy_ = nullptr;  // trivially copyable: moved by memcpy, nothing to destroy
        } else {
            Fn* heap = new Fn(std::forward<F>(f));
            std::memcpy(buffer_, &heap, sizeof heap);
            invoke_ = [](void* p) { (**static_cast<Fn**>(p))(); };
            destroy_ = [](void* p) { delete *static_cast<Fn**>(p); };
        }
    }

    alignas(std::max_align_t) unsigned char buffer_[kInlineBytes] = {};
    void (*invoke_)(void*) = nullptr;
    void (*destroy_)(void*) = nullptr;
};

}  // namespace qdes
