#include "hardware/systemc/context.h"

namespace qdes::systemc {

namespace {

std::recursive_mutex& systemc_mutex() {
    static std::recursive_mutex m;
    return m;
}

}  // namespace

Context::Context() {
    const std::lock_guard<std::recursive_mutex> lock(systemc_mutex());
    context_ = new sc_core::sc_simcontext;
}

Context::~Context() {
    const Scope scope(*this);
    delete context_;
}

Context::Scope::Scope(Context& c)
    : lock_(systemc_mutex()),
      previous_current_(sc_core::sc_curr_simcontext),
      previous_default_(sc_core::sc_default_global_context) {
    sc_core::sc_curr_simcontext = sc_core::sc_default_global_context = c.context_;
}

Context::Scope::~Scope() {
    sc_core::sc_curr_simcontext = previous_current_;
    sc_core::sc_default_global_context = previous_default_;
}

}  // namespace qdes::systemc
