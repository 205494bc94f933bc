// The PE-level SystemC systolic array (systolic_array.h explains the hardware and its schedule).

#include "hardware/systemc/reference/systolic_array.h"

#include <algorithm>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>

#include <systemc>

#include "hardware/systemc/context.h"


namespace qdes::systemc {

namespace {

using accel::Dataflow;
using sc_core::sc_in;
using sc_core::sc_out;
using sc_core::sc_signal;

/// What one link carries in one cycle.
struct Flit {
    bool valid = false;
    bool pad = false;   ///< a zero operand filling an edge fold
    bool last = false;  ///< os: the fold's last operand
    std::uint32_t fold = 0;
    std::uint32_t index = 0;  ///< streams: the position in T; stationary operands and results: their row
    std::int64_t value = 0;

    bool operator==(const Flit& o) const {
        return valid == o.valid && pad == o.pad && last == o.last && fold == o.fold && index == o.index &&
               value == o.value;
    }
};

std::ostream& operator<<(std::ostream& os, const Flit& f) {
    if (!f.valid) return os << "-";
    return os << "fold " << f.fold << " #" << f.index << " = " << f.value << (f.pad ? " (pad)" : "");
}

void sc_trace(sc_core::sc_trace_file* tf, const Flit& f, const std::string& name) {
    sc_core::sc_trace(tf, f.valid, name + ".valid");
}

/// The run in progress, as the sequencer, the PEs and the collector see it.
struct Run {
    bool active = false;
    Dataflow dataflow = Dataflow::kOutputStationary;
    std::uint32_t R = 0, C = 0;
    std::uint64_t M = 0, N = 0, K = 0, T = 0;
    std::uint64_t row_folds = 0, col_folds = 0, folds = 0;
    std::uint64_t first_start = 0, interval = 0;  ///< the cycle fold 0 streams from, and the spacing of folds
    std::uint64_t cycle_limit = 0;
    const std::vector<std::int32_t>* A = nullptr;
    const std::vector<std::int32_t>* B = nullptr;

    bool started = false;
    std::uint64_t start_cycle = 0, last_mac_cycle = 0;
    std::uint64_t macs = 0, received = 0, expected = 0;
    bool done = false;
    std::string hazard;
    std::vector<std::int64_t> C_out;

    std::uint64_t fr(std::uint64_t f) const { return f % row_folds; }  // SCALE-Sim's order: row folds inner
    std::uint64_t fc(std::uint64_t f) const { return f / row_folds; }
    void fail(const std::string& what) {
        if (hazard.empty()) hazard = what;
        sc_core::sc_pause();
    }
};

std::uint64_t cycle_now() {
    static const sc_core::sc_time period(1, sc_core::SC_NS);
    return std::uint64_t(sc_core::sc_time_stamp() / period + 0.5);
}

class Pe : public sc_core::sc_module {
  public:
    sc_in<bool> clk;
    sc_in<Flit> left, top, top_aux;         ///< the stream; B (os) or the partial sum; the load chain or the drain
    sc_out<Flit> right, bottom, bottom_aux;

    SC_HAS_PROCESS(Pe);
    Pe(sc_core::sc_module_name name, Run& run, std::uint32_t r, std::uint32_t c)
        : sc_core::sc_module(name), run_(run), r_(r), c_(c) {
        SC_METHOD(tick);
        sensitive << clk.pos();
        dont_initialize();
    }

    void reset() {
        active_ = shadow_ = result_ = Flit{};
        acc_ = 0;
        accumulating_ = false;
    }

  private:
    std::string where() const { return "PE (" + std::to_string(r_) + ", " + std::to_string(c_) + ")"; }

    void tick() {
        if (!run_.active || r_ >= run_.R || c_ >= run_.C) {
            right.write(Flit{}), bottom.write(Flit{}), bottom_aux.write(Flit{});
            return;
        }
        if (run_.dataflow == Dataflow::kOutputStationary) output_stationary();
        else stationary();
    }

    void mac(bool real) {
        run_.last_mac_cycle = std::max(run_.last_mac_cycle, cycle_now());
        if (real) ++run_.macs;
    }

    // ws and is: a stationary operand times the stream, added to the partial sum from above.
    void stationary() {
        const Flit in = left.read(), above = top.read(), load = top_aux.read();
        right.write(in);
        bottom_aux.write(load);
        Flit out;
        if (in.valid) {
            if (!active_.valid || active_.fold != in.fold) {  // the fold's first operand: take the shadow
                if (!shadow_.valid || shadow_.fold != in.fold)
                    return run_.fail(where() + ": the stationary operand of fold " + std::to_string(in.fold) +
                                     " has not arrived when its stream does");
                active_ = shadow_;
                shadow_.valid = false;
            }
            std::int64_t sum = 0;
            if (r_ > 0) {
                if (!above.valid || above.fold != in.fold || above.index != in.index)
                    return run_.fail(where() + ": no partial sum from above for fold " + std::to_string(in.fold) +
                                     " #" + std::to_string(in.index));
                sum = above.value;
            }
            out = in;
            out.value = sum + active_.value * in.value;
            out.pad = false;
            mac(!in.pad && !active_.pad);
        } else if (r_ > 0 && above.valid) {
            return run_.fail(where() + ": a partial sum arrived without its operand");
        }
        bottom.write(out);
        // Latch this row's operand from the chain (after the swap: what is written at an edge is read at the next).
        if (load.valid && load.index == r_) {
            if (shadow_.valid)
                return run_.fail(where() + ": the stationary operand of fold " + std::to_string(load.fold) +
                                 " arrived while fold " + std::to_string(shadow_.fold) + "'s waits");
            shadow_ = load;
        }
    }

    // os: accumulate A B in place; finished sums drain down the column.
    void output_stationary() {
        const Flit a = left.read(), b = top.read(), from_above = top_aux.read();
        right.write(a);
        bottom.write(b);
        Flit drain;
        if (from_above.valid) drain = from_above;  // pass on what comes from above first
        else if (result_.valid) drain = result_, result_.valid = false;
        bottom_aux.write(drain);
        if (!a.valid && !b.valid) return;
        if (!a.valid || !b.valid || a.fold != b.fold || a.index != b.index)
            return run_.fail(where() + ": its two operands do not arrive together");
        if (!accumulating_) acc_ = 0, accumulating_ = true;
        acc_ += a.value * b.value;
        mac(!a.pad && !b.pad);
        if (a.last) {
            if (result_.valid)
                return run_.fail(where() + ": fold " + std::to_string(a.fold) + " finished while fold " +
                                 std::to_string(result_.fold) + "'s result still waits to drain");
            result_ = Flit{true, false, false, a.fold, r_, acc_};
            accumulating_ = false;
        }
    }

    Run& run_;
    const std::uint32_t r_, c_;
    Flit active_, shadow_;  // ws, is
    Flit result_;           // os
    std::int64_t acc_ = 0;
    bool accumulating_ = false;
};

class Array : public sc_core::sc_module {
  public:
    static constexpr std::uint32_t E = ReferenceArray::kMaxEdge;

    SC_HAS_PROCESS(Array);
    explicit Array(sc_core::sc_module_name name) : sc_core::sc_module(name), clk_("clk", 1, sc_core::SC_NS) {
        const auto make = [](std::vector<std::unique_ptr<sc_signal<Flit>>>& v, std::size_t n, const char* stem) {
            for (std::size_t i = 0; i < n; ++i)
                v.push_back(std::make_unique<sc_signal<Flit>>((std::string(stem) + std::to_string(i)).c_str()));
        };
        make(h_, E * (E + 1), "h");
        make(v_, (E + 1) * E, "v");
        make(aux_, (E + 1) * E, "aux");
        for (std::uint32_t r = 0; r < E; ++r)
            for (std::uint32_t c = 0; c < E; ++c) {
                auto pe = std::make_unique<Pe>(("pe_" + std::to_string(r) + "_" + std::to_string(c)).c_str(), run_,
                                               r, c);
                pe->clk(clk_);
                pe->left(h(r, c)), pe->right(h(r, c + 1));
                pe->top(v(r, c)), pe->bottom(v(r + 1, c));
                pe->top_aux(aux(r, c)), pe->bottom_aux(aux(r + 1, c));
                pes_.push_back(std::move(pe));
            }
        SC_METHOD(sequence);
        sensitive << clk_.posedge_event();
        dont_initialize();
        SC_METHOD(collect);
        sensitive << clk_.posedge_event();
        dont_initialize();
    }

    Run& run() { return run_; }
    void reset() {
        for (auto& pe : pes_) pe->reset();
    }

  private:
    sc_signal<Flit>& h(std::uint32_t r, std::uint32_t c) { return *h_[r * (E + 1) + c]; }
    sc_signal<Flit>& v(std::uint32_t r, std::uint32_t c) { return *v_[r * E + c]; }
    sc_signal<Flit>& aux(std::uint32_t r, std::uint32_t c) { return *aux_[r * E + c]; }

    std::int32_t a(std::uint64_t m, std::uint64_t k) const { return (*run_.A)[m * run_.K + k]; }
    std::int32_t b(std::uint64_t k, std::uint64_t n) const { return (*run_.B)[k * run_.N + n]; }

    /// The stream entering edge lane `lane` at cycle t (lane: a row for the left edge, a column for the top).
    /// Sets f and the position in T; false when the lane is idle.
    bool stream_at(std::uint64_t t, std::uint32_t lane, std::uint64_t& f, std::uint64_t& pos) const {
        if (t < run_.first_start + lane) return false;
        const std::uint64_t u = t - run_.first_start - lane;
        f = u / run_.interval, pos = u % run_.interval;
        return f < run_.folds && pos < run_.T;
    }

    /// A value of A or B, or a padding zero outside it.
    Flit operand(bool of_a, std::uint64_t i, std::uint64_t j, std::uint64_t f, std::uint32_t index) const {
        Flit x;
        x.valid = true, x.fold = std::uint32_t(f), x.index = index;
        const bool in = of_a ? (i < run_.M && j < run_.K) : (i < run_.K && j < run_.N);
        x.pad = !in;
        x.value = !in ? 0 : of_a ? a(i, j) : b(i, j);
        return x;
    }

    void sequence() {
        if (!run_.active) {
            for (std::uint32_t i = 0; i < E; ++i) h(i, 0).write(Flit{}), v(0, i).write(Flit{}), aux(0, i).write(Flit{});
            return;
        }
        const std::uint64_t now = cycle_now();
        if (!run_.started) run_.started = true, run_.start_cycle = now;
        const std::uint64_t t = now - run_.start_cycle;
        if (t > run_.cycle_limit) return run_.fail("the array did not finish within " +
                                                   std::to_string(run_.cycle_limit) + " cycles");
        const std::uint32_t R = run_.R, C = run_.C;
        const Dataflow d = run_.dataflow;
        std::uint64_t f = 0, pos = 0;
        for (std::uint32_t r = 0; r < E; ++r) {  // the left edge
            Flit x;
            if (r < R && stream_at(t, r, f, pos)) {
                const std::uint64_t g = run_.fr(f) * R + r;  // the row's M (os) or K (ws, is) index
                x = d == Dataflow::kOutputStationary ? operand(true, g, pos, f, std::uint32_t(pos))
                    : d == Dataflow::kWeightStationary ? operand(true, pos, g, f, std::uint32_t(pos))
                                                       : operand(false, g, pos, f, std::uint32_t(pos));
                x.last = pos + 1 == run_.T;
            }
            h(r, 0).write(x);
        }
        for (std::uint32_t c = 0; c < E; ++c) {  // the top edge
            Flit x, load;
            if (c < C && d == Dataflow::kOutputStationary && stream_at(t, c, f, pos)) {
                x = operand(false, pos, run_.fc(f) * C + c, f, std::uint32_t(pos));
                x.last = pos + 1 == run_.T;
            }
            if (c < C && d != Dataflow::kOutputStationary && load_at(t, c, f, pos)) {
                const std::uint32_t r = R - 1 - std::uint32_t(pos);  // the deepest row's first
                const std::uint64_t k = run_.fr(f) * R + r, j = run_.fc(f) * C + c;
                load = d == Dataflow::kWeightStationary ? operand(false, k, j, f, r) : operand(true, j, k, f, r);
            }
            v(0, c).write(x);
            aux(0, c).write(load);
        }
    }

    /// ws, is: fold f's stationary operands enter column c's chain from cycle L_f + c for R cycles, L_0 = 0 and
    /// L_f = the start of fold f - 1 (the next fold loads while this one streams).
    bool load_at(std::uint64_t t, std::uint32_t c, std::uint64_t& f, std::uint64_t& pos) const {
        if (t < c) return false;
        const std::uint64_t u = t - c;
        if (u < run_.R) {
            f = 0, pos = u;
            return true;
        }
        if (u < run_.first_start) return false;
        const std::uint64_t w = u - run_.first_start;
        f = w / run_.interval + 1, pos = w % run_.interval;
        return f < run_.folds && pos < run_.R;
    }

    void collect() {
        if (!run_.active || run_.done) return;
        const std::uint32_t R = run_.R, C = run_.C;
        for (std::uint32_t c = 0; c < C; ++c) {
            const Flit x = run_.dataflow == Dataflow::kOutputStationary ? aux(R, c).read() : v(R, c).read();
            if (!x.valid) continue;
            ++run_.received;
            const std::uint64_t fr = run_.fr(x.fold), fc = run_.fc(x.fold);
            std::uint64_t m = 0, n = 0;
            switch (run_.dataflow) {
                case Dataflow::kOutputStationary: m = fr * R + x.index, n = fc * C + c; break;
                case Dataflow::kWeightStationary: m = x.index, n = fc * C + c; break;
                case Dataflow::kInputStationary: m = fc * C + c, n = x.index; break;
            }
            if (m < run_.M && n < run_.N) run_.C_out[m * run_.N + n] += x.value;  // ws, is: sums over row folds
        }
        if (run_.received == run_.expected) {
            run_.done = true;
            sc_core::sc_pause();
        }
    }

    sc_core::sc_clock clk_;
    Run run_;
    std::vector<std::unique_ptr<sc_signal<Flit>>> h_, v_, aux_;
    std::vector<std::unique_ptr<Pe>> pes_;
};

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

}  // namespace

ReferenceResult ReferenceArray::run(const ReferenceGemm& g) {
    if (g.rows == 0 || g.cols == 0 || g.rows > kMaxEdge || g.cols > kMaxEdge)
        throw std::invalid_argument("reference array: rows and cols must be 1 to " + std::to_string(kMaxEdge) +
                                    ", not " + std::to_string(g.rows) + " x " + std::to_string(g.cols));
    if (g.M == 0 || g.N == 0 || g.K == 0) throw std::invalid_argument("reference array: M, N and K must be positive");
    if (g.A.size() != g.M * g.K || g.B.size() != g.K * g.N)
        throw std::invalid_argument("reference array: A must hold M x K values and B K x N");

    // Built once, in a context of its own, and kept (a context elaborates once); reachable from here, so not a leak.
    static Context* context = new Context;
    const Context::Scope scope(*context);  // also serialises calls
    static Array* array = new Array("qdes_reference_array");

    array->reset();
    Run& run = array->run();
    run = Run{};
    sc_core::sc_start(2, sc_core::SC_NS);  // two idle edges clear every link of an earlier run

    const bool os = g.dataflow == Dataflow::kOutputStationary;
    run.dataflow = g.dataflow;
    run.R = g.rows, run.C = g.cols;
    run.M = g.M, run.N = g.N, run.K = g.K;
    run.T = os ? g.K : g.dataflow == Dataflow::kWeightStationary ? g.M : g.N;
    const std::uint64_t Sr = os ? g.M : g.K, Sc = os || g.dataflow == Dataflow::kWeightStationary ? g.N : g.M;
    run.row_folds = ceil_div(Sr, g.rows), run.col_folds = ceil_div(Sc, g.cols);
    run.folds = run.row_folds * run.col_folds;
    run.first_start = os ? 0 : g.rows;
    run.interval = g.interval ? g.interval : std::max<std::uint64_t>(run.T, g.rows);
    if (run.interval < run.T)
        throw std::invalid_argument("reference array: an interval of " + std::to_string(run.interval) +
                                    " cycles is shorter than the stream of " + std::to_string(run.T));
    run.expected = run.folds * (os ? std::uint64_t(g.rows) * g.cols : run.T * g.cols);
    run.cycle_limit = run.first_start + run.folds * run.interval + 4 * (g.rows + g.cols) + 16;
    run.A = &g.A, run.B = &g.B;
    run.C_out.assign(g.M * g.N, 0);
    run.active = true;
    sc_core::sc_start();  // until the collector or a hazard pauses it
    run.active = false;
    if (!run.hazard.empty()) throw std::runtime_error("reference array: " + run.hazard);

    ReferenceResult out;
    out.cycles = run.last_mac_cycle - run.start_cycle;
    out.folds = run.folds;
    out.macs = run.macs;
    out.pe_cycles = (cycle_now() - run.start_cycle) * g.rows * g.cols;
    out.C = std::move(run.C_out);
    return out;
}

}  // namespace qdes::systemc
