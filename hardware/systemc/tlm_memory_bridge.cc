// The TLM-2.0 bridge between the accelerator's memory interface (accel::MemoryTarget) and a user's SystemC
// target (memory_model.h explains the protocol).

#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "hardware/accel/memory_models.h"
#include "hardware/systemc/context.h"
#include "hardware/systemc/memory_model.h"
#include "hardware/systemc/register.h"

#include <tlm_utils/simple_initiator_socket.h>

namespace qdes::systemc {

namespace {

struct Entry {
    std::string doc;
    ModelMaker make;
};

std::map<std::string, Entry>& models() {
    static std::map<std::string, Entry> m;
    return m;
}

std::mutex& models_mutex() {
    static std::mutex m;
    return m;
}

void set_burst(tlm::tlm_generic_payload& p, bool write, std::uint64_t address, unsigned char* data, unsigned bytes) {
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(address);
    p.set_data_ptr(data);
    p.set_data_length(bytes);
    p.set_streaming_width(bytes);
    p.set_byte_enable_ptr(nullptr);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

sc_core::sc_time time_of(TimePs ps) { return sc_core::sc_time(double(ps), sc_core::SC_PS); }
TimePs ps_of(const sc_core::sc_time& t) { return TimePs(t.to_seconds() * 1e12 + 0.5); }

/// Lock step: the initiator is a thread in the model's context, and each burst runs SystemC's scheduler until the
/// target has answered. Before a burst issued more than the quantum after SystemC's present, the thread waits until
/// its issue time, so that the model's own processes have run up to it; within the quantum, the burst goes with the
/// difference as its annotated delay (temporal decoupling, as tlm_utils::tlm_quantumkeeper). SystemC never runs past
/// the answer to the burst in hand, so it never runs ahead of qdes.
class Initiator final : public sc_core::sc_module {
  public:
    tlm_utils::simple_initiator_socket<Initiator> socket;

    SC_HAS_PROCESS(Initiator);
    Initiator(sc_core::sc_module_name name, TimePs quantum_ps)
        : sc_core::sc_module(name), socket("socket"), quantum_(time_of(quantum_ps)) {
        socket.register_nb_transport_bw(this, &Initiator::nb_transport_bw);
        SC_THREAD(serve);
        SC_THREAD(serve_at);
    }

    /// Approximately timed: the bursts of one access, all issued at `issue_ps`, as outstanding transactions of the
    /// base protocol (BEGIN_REQ, END_REQ, BEGIN_RESP, END_RESP): each BEGIN_REQ once the target has ended the request
    /// before it, the access done at the last BEGIN_RESP. Returns that time.
    TimePs transport_at(std::deque<tlm::tlm_generic_payload>& bursts, TimePs issue_ps, accel::DramStats& stats) {
        at_bursts_ = &bursts, at_done_ = sc_core::SC_ZERO_TIME;
        run(at_request_, issue_ps, stats);
        return ps_of(at_done_);
    }

    /// Runs one burst issued at `issue_ps`; returns when its data have crossed (both from SystemC time zero).
    TimePs transport(tlm::tlm_generic_payload& p, TimePs issue_ps, accel::DramStats& stats) {
        payload_ = &p;
        run(request_, issue_ps, stats);
        return ps_of(done_);
    }

  private:
    /// Wakes the thread that waits on `request` and runs SystemC until it pauses.
    void run(sc_core::sc_event& request, TimePs issue_ps, accel::DramStats& stats) {
        if (!started_) {  // elaborate and let the threads reach their first wait, so that they hear the request
            sc_core::sc_start(sc_core::SC_ZERO_TIME);
            started_ = true;
        }
        issue_ = time_of(issue_ps), pending_ = true, stats_ = &stats;
        request.notify(sc_core::SC_ZERO_TIME);
        // Until the thread pauses; a model that has not answered a second of SystemC time after the issue never will.
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        sc_core::sc_start((issue_ > now ? issue_ - now : sc_core::SC_ZERO_TIME) + sc_core::sc_time(1, sc_core::SC_SEC));
        if (pending_)
            throw std::runtime_error("SystemC: the model has not answered a burst issued at " +
                                     std::to_string(issue_ps) + " ps within a second of SystemC time");
    }

    /// The annotated delay for a burst issued at issue_, after catching SystemC up when it trails by more than the
    /// quantum; counts a burst that reaches the target after its issue time.
    sc_core::sc_time offset_for_issue() {
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        sc_core::sc_time offset = sc_core::SC_ZERO_TIME;
        if (issue_ >= now) {
            offset = issue_ - now;
        } else {  // the target was busy: in a wait() with earlier bursts, or not yet accepting (AT)
            ++stats_->late_bursts;
            stats_->late_ps += ps_of(now - issue_);
        }
        if (offset > quantum_) {
            wait(offset);
            offset = sc_core::SC_ZERO_TIME;
        }
        return offset;
    }

    void serve() {
        for (;;) {
            wait(request_);
            sc_core::sc_time offset = offset_for_issue();
            socket->b_transport(*payload_, offset);
            done_ = sc_core::sc_time_stamp() + offset;
            pending_ = false;
            sc_core::sc_pause();
        }
    }

    void serve_at() {
        for (;;) {
            wait(at_request_);
            responses_due_ = at_bursts_->size();
            for (tlm::tlm_generic_payload& p : *at_bursts_) {
                sc_core::sc_time offset = offset_for_issue();
                request_open_ = false, in_request_ = &p;
                tlm::tlm_phase phase = tlm::BEGIN_REQ;
                const tlm::tlm_sync_enum status = socket->nb_transport_fw(p, phase, offset);
                if (status == tlm::TLM_COMPLETED) {
                    respond(sc_core::sc_time_stamp() + offset);
                    open_request(offset);
                } else if (status == tlm::TLM_UPDATED && phase == tlm::END_REQ) {
                    open_request(offset);
                } else if (status == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP) {
                    respond(sc_core::sc_time_stamp() + offset);
                    open_request(offset);
                    tlm::tlm_phase end = tlm::END_RESP;
                    sc_core::sc_time zero = sc_core::SC_ZERO_TIME;
                    socket->nb_transport_fw(p, end, zero);
                }
                while (!request_open_) wait(request_opened_);  // the request exclusion rule
                if (request_open_at_ > sc_core::sc_time_stamp()) wait(request_open_at_ - sc_core::sc_time_stamp());
            }
            while (responses_due_ > 0) wait(responded_);
            pending_ = false;
            sc_core::sc_pause();
        }
    }

    void open_request(const sc_core::sc_time& delay) {
        request_open_ = true, in_request_ = nullptr;
        request_open_at_ = sc_core::sc_time_stamp() + delay;
        request_opened_.notify(sc_core::SC_ZERO_TIME);
    }
    void respond(const sc_core::sc_time& at) {
        at_done_ = std::max(at_done_, at);
        --responses_due_;
        responded_.notify(sc_core::SC_ZERO_TIME);
    }

    tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase, sc_core::sc_time& delay) {
        if (phase == tlm::END_REQ || phase == tlm::BEGIN_RESP) {
            if (&p == in_request_) open_request(delay);  // BEGIN_RESP also ends the request
        }
        if (phase == tlm::BEGIN_RESP) {
            respond(sc_core::sc_time_stamp() + delay);
            phase = tlm::END_RESP;
            return tlm::TLM_COMPLETED;
        }
        return tlm::TLM_ACCEPTED;
    }

    sc_core::sc_time quantum_;
    sc_core::sc_event request_, at_request_, request_opened_, responded_;
    tlm::tlm_generic_payload* payload_ = nullptr;
    std::deque<tlm::tlm_generic_payload>* at_bursts_ = nullptr;
    tlm::tlm_generic_payload* in_request_ = nullptr;  ///< AT: the burst whose request phase is open
    sc_core::sc_time issue_, done_, at_done_, request_open_at_;
    bool started_ = false, pending_ = false, request_open_ = true;
    std::size_t responses_due_ = 0;
    accel::DramStats* stats_ = nullptr;
};

/// One memory: an instance of the model in a SystemC context of its own (context.h), called as a loosely timed
/// initiator calls its target. Decoupled, the call goes to the target socket's forward interface directly, with the
/// issue time as the annotated delay: SystemC's scheduler never runs, so no port binding is needed. In lock step it
/// goes through the Initiator above.
class Bridge final : public accel::MemoryTarget {
  public:
    Bridge(const std::string& model, const ModelMaker& make, const accel::DramTiming& timing,
           const accel::MemoryModelOptions& options)
        : model_(model), burst_bytes_(timing.burst_bytes()), data_(burst_bytes_, 0) {
        const Context::Scope scope(*context_);
        try {
            bound_ = make(("qdes_" + model).c_str(), timing);
            if (!bound_.socket) throw std::logic_error("SystemC model " + model + " has no target socket");
            approximately_timed_ = options.approximately_timed;
            if (approximately_timed_ && options.sync != accel::MemorySync::kLockstep)
                throw std::invalid_argument("dram_protocol: at needs dram_sync: lockstep (its phases take SystemC's "
                                            "scheduler)");
            if (options.sync == accel::MemorySync::kLockstep) {
                initiator_ = std::make_unique<Initiator>("qdes_initiator", options.quantum_ps);
                initiator_->socket.bind(*bound_.socket);
            } else {
                // The socket is an sc_export of the forward interface (its own operator-> is the backward path).
                target_ = static_cast<sc_core::sc_export<tlm::tlm_fw_transport_if<>>*>(bound_.socket)->operator->();
                if (!target_) throw std::logic_error("SystemC model " + model + ": its target socket is not bound");
            }
        } catch (...) {
            release();
            throw;
        }
    }

    ~Bridge() override {
        if (approximately_timed_ && used_) {
            retire();
            return;
        }
        const Context::Scope scope(*context_);
        release();
    }

    TimePs access(std::uint64_t address, std::uint64_t bytes, bool write, TimePs issue_ps) override {
        if (bytes == 0) return issue_ps;
        (write ? stats_.write_bytes : stats_.read_bytes) += bytes;
        const std::uint64_t first = address / burst_bytes_, last = (address + bytes - 1) / burst_bytes_;
        const Context::Scope scope(*context_);
        used_ = true;
        if (approximately_timed_) return access_at(first, last, write, issue_ps);
        TimePs done = issue_ps;
        for (std::uint64_t b = first; b <= last; ++b) {
            tlm::tlm_generic_payload p;
            set_burst(p, write, b * burst_bytes_, data_.data(), unsigned(burst_bytes_));
            TimePs end = 0;
            try {
                if (initiator_) {
                    end = initiator_->transport(p, issue_ps, stats_);
                } else {
                    sc_core::sc_time delay = time_of(issue_ps);
                    target_->b_transport(p, delay);
                    end = ps_of(delay);
                }
            } catch (const sc_core::sc_report& e) {
                throw std::runtime_error("SystemC memory model " + model_ + ": " + e.what() +
                                         (initiator_ ? "" : " (a model that calls wait() needs dram_sync: lockstep)"));
            }
            check(p, write, issue_ps, end);
            done = std::max(done, end);
            ++stats_.bursts;
        }
        return done;
    }
    const accel::DramStats& stats() const override { return stats_; }

  private:
    TimePs access_at(std::uint64_t first, std::uint64_t last, bool write, TimePs issue_ps) {
        at_bursts_.resize(last - first + 1);
        for (std::uint64_t b = first; b <= last; ++b)
            set_burst(at_bursts_[b - first], write, b * burst_bytes_, data_.data(), unsigned(burst_bytes_));
        TimePs end = 0;
        try {
            end = initiator_->transport_at(at_bursts_, issue_ps, stats_);
        } catch (const sc_core::sc_report& e) {
            throw std::runtime_error("SystemC memory model " + model_ + ": " + e.what());
        }
        for (const tlm::tlm_generic_payload& p : at_bursts_) check(p, write, issue_ps, end);
        stats_.bursts += at_bursts_.size();
        return std::max(end, issue_ps);
    }

    void check(const tlm::tlm_generic_payload& p, bool write, TimePs issue_ps, TimePs end) const {
        if (p.get_response_status() != tlm::TLM_OK_RESPONSE)
            throw std::runtime_error("SystemC memory model " + model_ + ": " + p.get_response_string() + " for a " +
                                     (write ? "write" : "read") + " of " + std::to_string(burst_bytes_) +
                                     " B at address " + std::to_string(p.get_address()));
        if (end < issue_ps)
            throw std::runtime_error("SystemC memory model " + model_ + " answered before the request was made");
    }

    void release() {  // in the context
        initiator_.reset();
        bound_.module.reset();
    }

    /// SystemC does not free the threads that simple_target_socket's AT-to-LT adapter spawns inside the initiator's
    /// thread (a process with children is kept), so deleting such a context loses them. Its objects are kept instead,
    /// reachable, for the rest of the process: a few kilobytes and a thread stack per burst that was outstanding.
    void retire() {
        struct Kept {
            std::unique_ptr<Context> context;
            std::unique_ptr<sc_core::sc_module> model;
            std::unique_ptr<Initiator> initiator;
        };
        static std::mutex mutex;
        static auto* kept = new std::vector<Kept>;
        const std::lock_guard<std::mutex> lock(mutex);
        kept->push_back(Kept{std::move(context_), std::move(bound_.module), std::move(initiator_)});
    }

    std::string model_;
    std::uint64_t burst_bytes_;
    std::vector<unsigned char> data_;
    std::unique_ptr<Context> context_ = std::make_unique<Context>();  // first in, last out: the objects below live in it
    BoundModel bound_;
    std::unique_ptr<Initiator> initiator_;
    bool approximately_timed_ = false, used_ = false;
    std::deque<tlm::tlm_generic_payload> at_bursts_;  // AT: one access's transactions, outstanding together
    tlm::tlm_fw_transport_if<>* target_ = nullptr;
    accel::DramStats stats_;
};

}  // namespace

namespace {

bool& publishing() {  // set once register_systemc_memory_models() has run: later models go straight to accel's registry
    static bool on = false;
    return on;
}

void publish(const std::string& model, const Entry& e) {
    const ModelMaker make = e.make;
    accel::register_memory_model(
        model, e.doc, [model, make](const accel::DramTiming& timing, const accel::MemoryModelOptions& o) {
            return std::unique_ptr<accel::MemoryTarget>(std::make_unique<Bridge>(model, make, timing, o));
        });
}

}  // namespace

bool add_model(const char* name, const char* doc, ModelMaker make) {
    // Runs in start-up code (a program's, or a library's inside dlopen), where nothing may throw: a fault is noted
    // for the registry to report.
    try {
        std::lock_guard<std::mutex> lock(models_mutex());
        const auto [it, added] = models().emplace(name, Entry{doc, std::move(make)});
        if (!added) throw std::invalid_argument(std::string("SystemC model \"") + name + "\" is defined twice");
        if (publishing()) publish(it->first, it->second);  // from a library loaded later (dram_model_library)
        return true;
    } catch (const std::exception& e) {
        accel::note_memory_model_error(e.what());
        return false;
    }
}

std::vector<std::string> systemc_model_names() {
    std::lock_guard<std::mutex> lock(models_mutex());
    std::vector<std::string> names;
    for (const auto& [name, e] : models()) names.push_back(name);
    return names;
}

void register_systemc_memory_models() {
    std::lock_guard<std::mutex> lock(models_mutex());
    if (publishing()) return;
    publishing() = true;
    for (const auto& [name, e] : models()) publish(name, e);
}

}  // namespace qdes::systemc
