#include "apps/qdes/sweep_farm.h"

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/mpi/nonblocking.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <thread>

#include "apps/qdes/cli.h"

namespace mpi = boost::mpi;

namespace qdes::cli {

namespace {

enum Tag : int { kWork = 1, kDone = 2, kStop = 3 };

/// A point handed to a worker.
struct WorkMessage {
    unsigned long long job = 0;
    std::vector<std::string> argv;
    template <class Archive>
    void serialize(Archive& ar, unsigned /*version*/) {
        // clang-format off
        ar & job & argv;  // Boost.Serialization's operator, not a bitwise and
        // clang-format on
    }
};

}  // namespace

int run_in_process(const std::vector<std::string>& argv) {
    std::vector<std::string> copy = argv;
    std::vector<char*> raw;
    for (std::string& a : copy) raw.push_back(a.data());
    const std::string command_line = quoted_command_line(int(raw.size()), raw.data());
    int code = kExitSimulationFailed;
    try {
        code = run_main(std::vector<std::string>(argv.begin() + 2, argv.end()), command_line);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "qdes run: %s\n", e.what());
    }
    std::fflush(stdout);
    std::fflush(stderr);
    return code;
}

struct MpiFarm::Impl {
    mpi::environment environment{mpi::threading::single, true};
    mpi::communicator world;
};

MpiFarm::MpiFarm() : impl_(std::make_unique<Impl>()) {}

MpiFarm::~MpiFarm() {
    if (rank() == 0) release();
}

int MpiFarm::rank() const {
    return impl_->world.rank();
}
int MpiFarm::size() const {
    return impl_->world.size();
}

void MpiFarm::release() {
    if (released_) return;
    released_ = true;
    for (int worker = 1; worker < size(); ++worker) impl_->world.send(worker, kStop);
}

int MpiFarm::serve() {
    mpi::communicator& world = impl_->world;
    while (true) {
        const mpi::status s = world.probe(0, mpi::any_tag);
        if (s.tag() != kWork) {
            world.recv(0, s.tag());
            return kExitOk;
        }
        WorkMessage work;
        world.recv(0, kWork, work);
        const long long done[2] = {static_cast<long long>(work.job), run_in_process(work.argv)};
        world.send(0, kDone, done, 2);
    }
}

void MpiFarm::farm(const std::vector<FarmJob>& jobs, const std::function<void(std::size_t, int)>& done,
                   const std::atomic<bool>& stop) {
    mpi::communicator& world = impl_->world;
    std::size_t next = 0;
    if (size() == 1) {
        for (; next < jobs.size() && !stop.load(); ++next) done(next, run_in_process(jobs[next].argv));
        return;
    }
    int busy = 0;
    // Every worker gets a first point (or stop); then each finished point earns its worker the next one.
    auto hand_out = [&](int worker) {
        if (next < jobs.size() && !stop.load()) {
            world.send(worker, kWork, WorkMessage{next, jobs[next].argv});
            ++next;
            ++busy;
        } else {
            world.send(worker, kStop);
        }
    };
    released_ = true;  // from here each worker is told to stop by hand_out
    for (int worker = 1; worker < size(); ++worker) hand_out(worker);
    while (busy > 0) {
        // Polled, not a blocking receive: Open MPI's blocking calls spin, and rank 0 would take a core from the
        // workers (mpirun -n 3 on two cores).
        long long result[2] = {0, 0};
        mpi::request request = world.irecv(mpi::any_source, kDone, result, 2);
        boost::optional<mpi::status> s;
        while (!(s = request.test())) std::this_thread::sleep_for(std::chrono::microseconds(200));
        --busy;
        done(std::size_t(result[0]), int(result[1]));
        hand_out(s->source());
    }
}

}  // namespace qdes::cli
