// The TLM-2.0 bridge between qdes's decoder interface (qec::Decoder) and a user's SystemC decoder model
// (decoder_model.h explains the protocol).

#include <stdexcept>
#include <string>

#include "hardware/systemc/context.h"
#include "hardware/systemc/decoder_model.h"
#include "protocols/qec/decoder_models.h"

namespace qdes::systemc {

namespace {

/// One decoder: an instance of the model in a SystemC context of its own; each decode one b_transport to its
/// target socket's forward interface, outside SystemC's scheduler.
class TlmDecoder final : public qec::Decoder {
  public:
    TlmDecoder(const std::string& model, const DecoderMaker& make, const qec::DecodingGraph& graph) : model_(model) {
        const Context::Scope scope(context_);
        try {
            bound_ = make(("qdes_" + model).c_str(), graph);
            if (!bound_.socket) throw std::logic_error("SystemC decoder model " + model + " has no target socket");
            target_ = static_cast<sc_core::sc_export<tlm::tlm_fw_transport_if<>>*>(bound_.socket)->operator->();
            if (!target_) throw std::logic_error("SystemC decoder model " + model + ": its target socket is not bound");
        } catch (...) {
            bound_.module.reset();
            throw;
        }
    }
    ~TlmDecoder() override {
        const Context::Scope scope(context_);
        bound_.module.reset();
    }

    std::uint64_t decode(const std::vector<std::uint32_t>& defects) override { return run(defects, nullptr); }
    std::uint64_t decode_edges(const std::vector<std::uint32_t>& defects, std::vector<std::uint32_t>& edges) override {
        return run(defects, &edges);
    }
    const char* name() const override { return model_.c_str(); }
    std::optional<Simulated> last_simulated() const override { return last_; }

  private:
    std::uint64_t run(const std::vector<std::uint32_t>& defects, std::vector<std::uint32_t>* edges) {
        const Context::Scope scope(context_);
        DecodeExtension ext;
        ext.defects = &defects;
        ext.want_edges = edges != nullptr;
        tlm::tlm_generic_payload p;
        p.set_command(tlm::TLM_IGNORE_COMMAND);
        p.set_address(0);
        p.set_data_ptr(nullptr);
        p.set_data_length(0);
        p.set_streaming_width(0);
        p.set_byte_enable_ptr(nullptr);
        p.set_dmi_allowed(false);
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        p.set_extension(&ext);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        try {
            target_->b_transport(p, delay);
        } catch (const sc_core::sc_report& e) {
            p.clear_extension(&ext);
            throw std::runtime_error("SystemC decoder model " + model_ + ": " + e.what());
        }
        p.clear_extension(&ext);  // ext is ours, on the stack
        if (p.get_response_status() != tlm::TLM_OK_RESPONSE)
            throw std::runtime_error("SystemC decoder model " + model_ + ": " + p.get_response_string() + " for " +
                                     std::to_string(defects.size()) + " defects");
        if (edges) edges->swap(ext.edges);
        last_ = Simulated{0, TimePs(delay.to_seconds() * 1e12 + 0.5)};
        return ext.observables;
    }

    std::string model_;
    Context context_;  // before the model, which lives in it
    BoundDecoder bound_;
    tlm::tlm_fw_transport_if<>* target_ = nullptr;
    std::optional<Simulated> last_;
};

}  // namespace

bool add_decoder_model(const char* name, const char* doc, DecoderMaker make) {
    // Start-up code, where nothing may throw: a fault is noted for the registry to report.
    try {
        const std::string model = name;
        qec::register_decoder_model(model, doc, [model, make](const qec::DecodingGraph& g) {
            return std::unique_ptr<qec::Decoder>(std::make_unique<TlmDecoder>(model, make, g));
        });
        return true;
    } catch (const std::exception& e) {
        qec::note_decoder_model_error(e.what());
        return false;
    }
}

}  // namespace qdes::systemc
