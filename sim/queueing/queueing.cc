#include "sim/queueing/queueing.h"

#include "sim/queueing/queue.h"
#include "sim/queueing/server.h"
#include "sim/queueing/sink.h"
#include "sim/queueing/source.h"

namespace qdes {

void register_queueing_components(ComponentRegistry& registry) {
    registry.add(Source::kind());
    registry.add(Queue::kind());
    registry.add(Server::kind());
    registry.add(Sink::kind());
}

}  // namespace qdes
