#pragma once
/// The MPI task farm of `qdes sweep --mpi` (Open MPI through Boost.MPI): rank 0 hands point indices to the other
/// ranks one at a time, each as it finishes its last, so points of uneven length balance themselves. A worker runs
/// each point as `qdes run` would, inside its own process (no process per point), and answers with the exit code.
/// With one rank, rank 0 runs every point itself.

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace qdes::cli {

/// Runs `qdes run` in this process: `argv` is a full command line ({"qdes", "run", FILE, options...}). Returns its
/// exit code; an exception escaping it counts as a simulation failure.
int run_in_process(const std::vector<std::string>& argv);

/// One point to hand out: its index in the sweep and the `qdes run` command line that runs it.
struct FarmJob {
    std::size_t point = 0;
    std::vector<std::string> argv;
};

/// The local task farm of `qdes sweep --jobs N`: up to N worker processes, forks of the sweep made once (no exec, no
/// new loading of the shared libraries), each running point after point in process as the parent hands them out over
/// a pipe. A worker that dies (killed, crashed) fails its point; a new one takes its place while points remain. Calls
/// done(job index, exit code) as each point finishes; hands out nothing more once `stop` is set and then asks the
/// points under way to stop (SIGINT), as Ctrl-C would. Returns when every point handed out has finished.
void local_farm(unsigned workers, const std::vector<FarmJob>& jobs, const std::function<void(std::size_t, int)>& done,
                const std::atomic<bool>& stop);

class MpiFarm {
  public:
    /// Initialises MPI (once per process; MPI_Finalize runs when the farm is destroyed).
    MpiFarm();
    ~MpiFarm();
    MpiFarm(const MpiFarm&) = delete;
    MpiFarm& operator=(const MpiFarm&) = delete;

    int rank() const;
    int size() const;

    /// On a rank other than 0: runs the jobs rank 0 sends until it says stop. Returns 0.
    int serve();

    /// On rank 0: hands out `jobs` in order and calls done(job index, exit code) as each finishes; hands out nothing
    /// more once `stop` is set, waits for the points under way, then tells every worker to stop. With no other rank,
    /// runs the jobs here.
    void farm(const std::vector<FarmJob>& jobs, const std::function<void(std::size_t, int)>& done,
              const std::atomic<bool>& stop);

  private:
    /// Rank 0, when it leaves without handing anything out (bad input, --list): tells the workers to stop.
    void release();

    struct Impl;
    std::unique_ptr<Impl> impl_;
    bool released_ = false;
};

}  // namespace qdes::cli
