// The TLM-2.0 bridge between the accelerator's memory interface (accel::MemoryTarget) and a user's SystemC
// target (memory_model.h explains the protocol).

#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "hardware/accel/memory_models.h"
#include "hardware/systemc/memory_model.h"
#include "hardware/systemc/register.h"

// Debian's libsystemc calls sc_main from its own main(); qdes has its own main and never enters SystemC's, but
// the library still needs the symbol.
int sc_main(int, char**) { return 0; }

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

/// One memory: an instance of the model, called as a loosely timed initiator calls its target. The call goes to the
/// target socket's forward interface directly: SystemC is never elaborated (its scheduler never runs), so no port
/// binding is needed, and new models can be built at any time.
class Bridge final : public accel::MemoryTarget {
  public:
    Bridge(const std::string& model, const ModelMaker& make, const accel::DramTiming& timing)
        : model_(model), burst_bytes_(timing.burst_bytes()), data_(burst_bytes_, 0) {
        bound_ = make(unique("qdes_" + model).c_str(), timing);
        if (!bound_.socket) throw std::logic_error("SystemC model " + model + " has no target socket");
        // The socket is an sc_export of the forward interface (its own operator-> is the backward path).
        target_ = static_cast<sc_core::sc_export<tlm::tlm_fw_transport_if<>>*>(bound_.socket)->operator->();
        if (!target_) throw std::logic_error("SystemC model " + model + ": its target socket is not bound");
    }

    TimePs access(std::uint64_t address, std::uint64_t bytes, bool write, TimePs issue_ps) override {
        if (bytes == 0) return issue_ps;
        (write ? stats_.write_bytes : stats_.read_bytes) += bytes;
        const std::uint64_t first = address / burst_bytes_, last = (address + bytes - 1) / burst_bytes_;
        TimePs done = issue_ps;
        for (std::uint64_t b = first; b <= last; ++b) {
            tlm::tlm_generic_payload p;
            p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
            p.set_address(b * burst_bytes_);
            p.set_data_ptr(data_.data());
            p.set_data_length(unsigned(burst_bytes_));
            p.set_streaming_width(unsigned(burst_bytes_));
            p.set_byte_enable_ptr(nullptr);
            p.set_dmi_allowed(false);
            p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            sc_core::sc_time delay(double(issue_ps), sc_core::SC_PS);
            target_->b_transport(p, delay);
            if (p.get_response_status() != tlm::TLM_OK_RESPONSE)
                throw std::runtime_error("SystemC memory model " + model_ + ": " + p.get_response_string() +
                                         " for a " + (write ? "write" : "read") + " of " +
                                         std::to_string(burst_bytes_) + " B at address " +
                                         std::to_string(b * burst_bytes_));
            const auto end = TimePs(delay.to_seconds() * 1e12 + 0.5);
            if (end < issue_ps)
                throw std::runtime_error("SystemC memory model " + model_ + " answered before the request was made");
            done = std::max(done, end);
            ++stats_.bursts;
        }
        return done;
    }
    const accel::DramStats& stats() const override { return stats_; }

  private:
    static std::string unique(const std::string& stem) {
        static std::atomic<std::uint64_t> counter{0};
        return stem + "_" + std::to_string(counter++);
    }

    std::string model_;
    std::uint64_t burst_bytes_;
    std::vector<unsigned char> data_;
    BoundModel bound_;
    tlm::tlm_fw_transport_if<>* target_ = nullptr;
    accel::DramStats stats_;
};

}  // namespace

bool add_model(const char* name, const char* doc, ModelMaker make) {
    std::lock_guard<std::mutex> lock(models_mutex());
    models()[name] = Entry{doc, std::move(make)};
    return true;
}

std::vector<std::string> systemc_model_names() {
    std::lock_guard<std::mutex> lock(models_mutex());
    std::vector<std::string> names;
    for (const auto& [name, e] : models()) names.push_back(name);
    return names;
}

void register_systemc_memory_models() {
    static std::once_flag once;
    std::call_once(once, [] {
        std::lock_guard<std::mutex> lock(models_mutex());
        for (const auto& [name, e] : models()) {
            const std::string model = name;
            const ModelMaker make = e.make;
            accel::register_memory_model(name, e.doc, [model, make](const accel::DramTiming& timing) {
                std::lock_guard<std::mutex> guard(models_mutex());  // SystemC's object hierarchy is global
                return std::unique_ptr<accel::MemoryTarget>(std::make_unique<Bridge>(model, make, timing));
            });
        }
    });
}

}  // namespace qdes::systemc
