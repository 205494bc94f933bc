#include "apps/qdes/sweep_farm.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/mpi/nonblocking.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
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

namespace {

/// Writes or reads all `n` bytes, retrying after signals. False at end of file or on an error.
bool write_all(int fd, const void* data, std::size_t n) {
    const auto* p = static_cast<const char*>(data);
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= std::size_t(w);
    }
    return true;
}

bool read_all(int fd, void* data, std::size_t n) {
    auto* p = static_cast<char*>(data);
    while (n > 0) {
        const ssize_t r = ::read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= std::size_t(r);
    }
    return true;
}

struct LocalWorker {
    pid_t pid = -1;
    int to = -1, from = -1;  ///< the parent's ends of the two pipes
    std::int64_t job = -1;   ///< the job under way, -1 when idle
};

/// A worker's life: read a job index, run it, answer its exit code; leave at end of file.
[[noreturn]] void worker_loop(int in, int out, const std::vector<FarmJob>& jobs) {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGPIPE, SIG_DFL);
    std::uint64_t job = 0;
    while (read_all(in, &job, sizeof job) && job < jobs.size()) {
        const std::int32_t code = run_in_process(jobs[job].argv);
        if (!write_all(out, &code, sizeof code)) break;
    }
    _exit(0);
}

}  // namespace

void local_farm(unsigned workers, const std::vector<FarmJob>& jobs, const std::function<void(std::size_t, int)>& done,
                const std::atomic<bool>& stop) {
    std::vector<LocalWorker> pool;
    std::size_t next = 0;
    auto close_worker = [](LocalWorker& w) {
        ::close(w.to);
        ::close(w.from);
        w.to = w.from = -1;
    };
    auto start_worker = [&]() -> bool {
        int down[2], up[2];
        if (::pipe(down) != 0) return false;
        if (::pipe(up) != 0) {
            ::close(down[0]);
            ::close(down[1]);
            return false;
        }
        std::fflush(stdout);
        std::fflush(stderr);
        const pid_t pid = ::fork();
        if (pid == 0) {
            for (LocalWorker& w : pool) close_worker(w);  // siblings' pipes: their end of file must reach them
            ::close(down[1]);
            ::close(up[0]);
            worker_loop(down[0], up[1], jobs);
        }
        ::close(down[0]);
        ::close(up[1]);
        if (pid < 0) {
            ::close(down[1]);
            ::close(up[0]);
            return false;
        }
        pool.push_back({pid, down[1], up[0], -1});
        return true;
    };
    // A worker that died while idle is found when its pipe is written to: SIGPIPE must not end the sweep.
    auto old_pipe = std::signal(SIGPIPE, SIG_IGN);
    bool told_to_stop = false;
    while (true) {
        // Hand out points to idle workers, starting workers up to the limit while points remain.
        while (!stop.load() && next < jobs.size()) {
            auto idle = std::find_if(pool.begin(), pool.end(), [](const LocalWorker& w) { return w.job < 0; });
            if (idle == pool.end()) {
                if (pool.size() >= workers) break;
                if (!start_worker()) {
                    const int error = errno;
                    if (pool.empty())  // with no worker at all, nothing more runs: say why
                        std::fprintf(stderr, "qdes sweep: cannot start a worker process: %s\n", std::strerror(error));
                    break;
                }
                idle = pool.end() - 1;
            }
            const std::uint64_t job = next;
            if (!write_all(idle->to, &job, sizeof job)) {  // dead before it got the point: replace it
                close_worker(*idle);
                ::waitpid(idle->pid, nullptr, 0);
                pool.erase(idle);
                continue;
            }
            idle->job = std::int64_t(next++);
        }
        if (stop.load() && !told_to_stop) {
            told_to_stop = true;
            for (const LocalWorker& w : pool)
                if (w.job >= 0) ::kill(w.pid, SIGINT);
        }
        std::vector<pollfd> fds;
        for (const LocalWorker& w : pool)
            if (w.job >= 0) fds.push_back({w.from, POLLIN, 0});
        if (fds.empty()) break;
        if (::poll(fds.data(), fds.size(), -1) < 0) continue;  // a signal: look at `stop` again
        for (const pollfd& f : fds) {
            if (f.revents == 0) continue;
            auto w = std::find_if(pool.begin(), pool.end(), [&](const LocalWorker& x) { return x.from == f.fd; });
            std::int32_t code = 0;
            const std::size_t job = std::size_t(w->job);
            w->job = -1;
            if (read_all(w->from, &code, sizeof code)) {
                done(job, code);
                continue;
            }
            // The worker died during its point (killed, crashed): the point failed; the worker goes.
            close_worker(*w);
            ::waitpid(w->pid, nullptr, 0);
            pool.erase(w);
            done(job, kExitSimulationFailed);
        }
    }
    for (LocalWorker& w : pool) close_worker(w);  // end of file: each worker leaves
    for (const LocalWorker& w : pool) ::waitpid(w.pid, nullptr, 0);
    std::signal(SIGPIPE, old_pipe);
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
