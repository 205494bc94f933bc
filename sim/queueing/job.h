#pragma once
/// Messages of the queueing components: jobs (customers) and credits (flow control from a server to its queue).

#include <cstdint>

#include "sim/port.h"
#include "sim/time.h"

namespace qdes {

/// A customer. Times are stamped as it moves: created by a source, enqueued, service started, service done.
struct Job {
    std::uint64_t id = 0;
    TimePs created_ps = 0;
    TimePs service_start_ps = 0;
    TimePs service_end_ps = 0;
};

/// "I can take `count` more jobs": a server tells its queue when servers become free.
struct Credit {
    std::uint32_t count = 0;
};

}  // namespace qdes

QDES_MESSAGE_TYPE(qdes::Job);
QDES_MESSAGE_TYPE(qdes::Credit);
