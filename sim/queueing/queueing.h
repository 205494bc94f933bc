#pragma once
/// The kernel's queueing components: source, queue, server and sink.

#include "sim/registry.h"

namespace qdes {
/// Adds the kinds `source`, `queue`, `server` and `sink`.
void register_queueing_components(ComponentRegistry& registry);
}  // namespace qdes
