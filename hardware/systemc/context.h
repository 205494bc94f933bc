#pragma once
/// A SystemC simulation of its own, for each bridged model and for the reference array.
///
/// SystemC keeps the simulation in one global (sc_curr_simcontext): its object hierarchy, its time and its
/// scheduler. A context elaborates once, at its first sc_start, and no module can be added to it afterwards. So that
/// models can be built at any time, and runs that follow one another in a process (tests, a sweep's worker) do not
/// meet, each owner here has a context of its own and makes it current only while it works in it, under one
/// process-wide lock (SystemC is not thread-safe). Build, run and destroy an owner's SystemC objects inside a Scope.

#include <mutex>

#include <systemc>

namespace qdes::systemc {

class Context {
  public:
    Context();
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    /// Makes the context current (and SystemC's default) until destroyed; restores the one before. Nests.
    class Scope {
      public:
        explicit Scope(Context& c);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

      private:
        std::unique_lock<std::recursive_mutex> lock_;
        sc_core::sc_simcontext* previous_current_;
        sc_core::sc_simcontext* previous_default_;
    };

  private:
    sc_core::sc_simcontext* context_ = nullptr;
};

}  // namespace qdes::systemc
