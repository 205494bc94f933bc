// qdes._core: the C++ core as a Python module (pybind11). The Python package qdes (python/qdes/) wraps it; the
// names mirror Stim's and PyMatching's where they mean the same thing.
//
// Long calls release the GIL; each object serialises its own calls (a sampler's generator and a decoder's scratch
// state are not for two threads at once). C++ exceptions become Python ones: CircuitError and DemFormatError
// (ValueError) with the file and line, InputError (ValueError) for a scenario or an accelerator input the command
// line would refuse, SimulationError (RuntimeError) for a run that failed; std::invalid_argument is a ValueError.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "apps/qdes/accel_report.h"
#include "apps/qdes/cli.h"
#include "apps/qdes/scenario_input.h"
#include "hardware/accel/accelerator.h"
#include "models/quantum/batch_sampling.h"
#include "models/quantum/circuit.h"
#include "models/quantum/codes/css_code.h"
#include "models/quantum/codes/rotated_surface.h"
#include "models/quantum/dem.h"
#include "models/quantum/error_analysis.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/noise.h"
#include "models/quantum/program.h"
#include "models/quantum/shot_format.h"
#include "protocols/inference/workload.h"
#include "protocols/qec/decoder.h"
#include "protocols/qec/dem_graph.h"
#include "sim/simulation.h"
#include "sim/version.h"

namespace py = pybind11;
using namespace qdes;

namespace {

// ---------------------------------------------------------------------------------------------------------------
// Exceptions

struct ExceptionTypes {
    PyObject* error = nullptr;             // qdes.Error
    PyObject* circuit_error = nullptr;     // qdes.CircuitError(Error, ValueError)
    PyObject* dem_error = nullptr;         // qdes.DemFormatError(Error, ValueError)
    PyObject* input_error = nullptr;       // qdes.InputError(Error, ValueError)
    PyObject* simulation_error = nullptr;  // qdes.SimulationError(Error, RuntimeError)
};
ExceptionTypes g_types;  // owned by the module for the life of the process

PyObject* new_exception(py::module_& m, const char* name, PyObject* base1, PyObject* base2, const char* doc) {
    const std::string qualified = std::string("qdes.") + name;
    PyObject* bases = base2 ? PyTuple_Pack(2, base1, base2) : PyTuple_Pack(1, base1);
    PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
    Py_DECREF(bases);
    if (type == nullptr) throw py::error_already_set();
    m.add_object(name, py::handle(type));  // the module holds a reference; g_types keeps another
    Py_INCREF(type);
    return type;
}

/// Raises `type(message)` with extra attributes (file, line) set on the instance.
void raise_with(PyObject* type, const std::string& message, const std::optional<std::string>& file,
                std::optional<int> line) {
    py::object instance = py::reinterpret_steal<py::object>(PyObject_CallFunction(type, "s", message.c_str()));
    if (!instance) return;  // the call set its own error
    instance.attr("file") = file ? py::object(py::str(*file)) : py::object(py::none());
    instance.attr("line") = line ? py::object(py::int_(*line)) : py::object(py::none());
    PyErr_SetObject(type, instance.ptr());
}

void translate(std::exception_ptr p) {
    try {
        if (p) std::rethrow_exception(p);
    } catch (const quantum::CircuitError& e) {
        raise_with(g_types.circuit_error, e.what(), e.file(), e.line() > 0 ? std::optional<int>(e.line()) : std::nullopt);
    } catch (const quantum::DemFormatError& e) {
        raise_with(g_types.dem_error, e.what(), std::nullopt, e.line() > 0 ? std::optional<int>(e.line()) : std::nullopt);
    } catch (const accel::AccelInputError& e) {
        raise_with(g_types.input_error, e.what(), std::nullopt, std::nullopt);
    } catch (const SimulationError& e) {
        raise_with(g_types.simulation_error, e.what(), std::nullopt, std::nullopt);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Circuits

quantum::NoiseModel noise_model(const std::string& kind, double p, std::optional<double> q, double idle) {
    for (auto [name, v] : {std::pair<const char*, double>{"p", p}, {"q", q.value_or(0)}, {"idle", idle}})
        if (!(v >= 0 && v <= 1)) throw py::value_error(std::string(name) + " must be a probability in [0, 1]");
    quantum::NoiseModel noise;
    noise.kind = quantum::NoiseModel::parse_kind(kind);
    noise.p = p;
    noise.q = q.value_or(-1);
    noise.idle = idle;
    return noise;
}

char basis_of(const std::string& basis) {
    if (basis != "X" && basis != "Z") throw py::value_error("basis must be \"X\" or \"Z\", got \"" + basis + "\"");
    return basis[0];
}

quantum::Circuit generated_circuit(const std::string& code, std::uint32_t distance, std::uint64_t rounds,
                                   double after_clifford, double before_round_data, double before_measure,
                                   double after_reset) {
    quantum::RotatedSurfaceOptions o;
    if (code == "surface_code:rotated_memory_x") o.basis = 'X';
    else if (code == "surface_code:rotated_memory_z") o.basis = 'Z';
    else
        throw py::value_error("Circuit.generated: unknown code \"" + code +
                              "\"; qdes generates surface_code:rotated_memory_x and surface_code:rotated_memory_z "
                              "exactly as Stim does (other codes: Circuit.memory)");
    o.distance = distance;
    o.rounds = rounds;
    o.after_clifford_depolarization = after_clifford;
    o.before_round_data_depolarization = before_round_data;
    o.before_measure_flip_probability = before_measure;
    o.after_reset_flip_probability = after_reset;
    return quantum::rotated_surface_memory(o);
}

std::string circuit_repr(const quantum::Circuit& c) {
    std::string text = c.to_text();
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return "qdes.Circuit('''\n" + text + "\n''')";
}

py::dict coordinates_dict(const std::vector<std::vector<double>>& coords) {
    py::dict out;
    for (std::size_t d = 0; d < coords.size(); ++d)
        if (!coords[d].empty()) out[py::int_(d)] = coords[d];
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Sampling

std::uint64_t fresh_seed() {
    std::random_device rd;
    return (std::uint64_t(rd()) << 32) ^ rd();
}

/// Where a table row's bits go in a shot-major numpy array: column offset, and whether packed (8 per byte,
/// little-endian within a byte, as Stim's bit_packed output).
struct Dest {
    std::uint8_t* data = nullptr;
    std::size_t stride = 0;  // bytes per shot
    std::size_t offset = 0;  // column of row 0
    bool packed = false;
};

/// Scatters the set bits of rows [0, rows) for shots [0, n) into dest at shot `first`.
void scatter(const quantum::BitTable& table, std::size_t rows, std::size_t n, std::uint64_t first, const Dest& dest) {
    const std::size_t words = (n + 63) / 64;
    for (std::size_t r = 0; r < rows; ++r) {
        const std::uint64_t* row = table.row(r);
        const std::size_t col = dest.offset + r;
        for (std::size_t w = 0; w < words; ++w) {
            std::uint64_t bits = row[w];
            if (w == words - 1 && n % 64) bits &= (std::uint64_t(1) << (n % 64)) - 1;
            while (bits) {
                const std::size_t s = first + w * 64 + std::size_t(__builtin_ctzll(bits));
                std::uint8_t* at = dest.data + s * dest.stride;
                if (dest.packed) at[col >> 3] |= std::uint8_t(1u << (col & 7));
                else at[col] = 1;
                bits &= bits - 1;
            }
        }
    }
}

class DetectorSampler {
  public:
    DetectorSampler(const quantum::Circuit& circuit, std::optional<std::uint64_t> seed, std::optional<std::size_t> batch,
                    std::optional<unsigned> threads)
        : program_(quantum::compile(circuit)),
          batch_(batch.value_or(quantum::default_batch_shots(program_.num_qubits))),
          seed_(seed.value_or(fresh_seed())),
          threads_(threads.value_or(std::max(1u, std::thread::hardware_concurrency()))) {
        if (batch_ == 0 || batch_ > (std::size_t(1) << 24))
            throw py::value_error("batch must be between 1 and 16777216");
        if (threads_ == 0) throw py::value_error("threads must be at least 1");
    }

    std::uint64_t num_detectors() const { return program_.num_detectors; }
    std::uint32_t num_observables() const { return program_.num_observables; }
    std::size_t batch() const { return batch_; }
    std::uint64_t seed() const { return seed_; }
    unsigned threads() const { return threads_; }

    py::object sample(std::uint64_t shots, bool prepend, bool append, bool separate, bool packed) {
        if (prepend && append) throw py::value_error("prepend_observables and append_observables exclude each other");
        if (separate && (prepend || append))
            throw py::value_error("separate_observables excludes prepend_observables and append_observables");
        const std::size_t D = program_.num_detectors, O = program_.num_observables;
        const std::size_t cols = D + (prepend || append ? O : 0);
        auto make = [&](std::size_t c) {
            const std::size_t width = packed ? (c + 7) / 8 : c;
            py::array a = packed ? py::array(py::dtype::of<std::uint8_t>(), {std::size_t(shots), width})
                                 : py::array(py::dtype::of<bool>(), {std::size_t(shots), width});
            std::fill_n(static_cast<std::uint8_t*>(a.mutable_data()), shots * width, 0);
            return std::pair<py::array, std::size_t>(a, width);
        };
        auto [main, main_width] = make(cols);
        std::optional<std::pair<py::array, std::size_t>> obs;
        if (separate) obs = make(O);
        Dest dets{static_cast<std::uint8_t*>(main.mutable_data()), main_width, prepend ? O : 0, packed};
        Dest flips = separate ? Dest{static_cast<std::uint8_t*>(obs->first.mutable_data()), obs->second, 0, packed}
                              : Dest{dets.data, main_width, prepend ? 0 : D, packed};
        {
            py::gil_scoped_release release;
            std::lock_guard<std::mutex> lock(mutex_);
            // Each worker scatters its batch into the rows of its own shots.
            run_batches(shots, [&](const quantum::FrameSimulator& sim, std::uint64_t first, std::size_t n) {
                scatter(sim.detectors(), D, n, first, dets);
                if (separate || prepend || append) scatter(sim.observables(), O, n, first, flips);
                return 0;
            }, [](int) {});
        }
        if (separate) return py::make_tuple(main, obs->first);
        return std::move(main);
    }

    /// Writes shots as `qdes detect` does (01 or b8, optionally with the observables after the detectors).
    void sample_write(std::uint64_t shots, const std::string& path, const std::string& format, bool append) {
        const quantum::ShotFormat f = quantum::parse_shot_format(format);
        py::gil_scoped_release release;
        std::lock_guard<std::mutex> lock(mutex_);
        const std::string partial = path + ".partial";
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + partial);
        const quantum::BitTable none;
        run_batches(shots, [&](const quantum::FrameSimulator& sim, std::uint64_t, std::size_t n) {
            std::ostringstream text;
            quantum::write_shots(text, sim.detectors(), append ? sim.observables() : none, n, f);
            return std::move(text).str();
        }, [&](const std::string& text) { out.write(text.data(), std::streamsize(text.size())); });
        out.close();
        if (!out || std::rename(partial.c_str(), path.c_str()) != 0) {
            std::remove(partial.c_str());
            throw std::runtime_error("writing " + path + " failed");
        }
    }

  private:
    /// The next `shots` shots, as `qdes detect --seed S --batch B` samples them.
    template <class Use, class Then>
    void run_batches(std::uint64_t shots, Use use, Then then) {
        next_batch_ += quantum::sample_batches(program_, batch_, seed_, shots, threads_, next_batch_, sims_, use,
                                               [&](auto r) {
                                                   then(r);
                                                   return true;
                                               });
    }

    quantum::Program program_;
    std::size_t batch_;
    std::uint64_t seed_;
    unsigned threads_;
    std::uint64_t next_batch_ = 0;  ///< batches drawn so far: the stream of the next
    std::vector<std::unique_ptr<quantum::FrameSimulator>> sims_;  ///< one per worker
    std::mutex mutex_;
};

// ---------------------------------------------------------------------------------------------------------------
// Decoding

class PyDecoder {
  public:
    PyDecoder(const quantum::DetectorErrorModel& model, const std::string& method)
        : graph_(std::make_unique<qec::DecodingGraph>(qec::graph_from_dem(model, &report_))),
          decoder_(qec::make_decoder(method, *graph_)),
          num_detectors_(model.num_detectors),
          num_observables_(model.num_observables),
          method_(method) {}

    std::uint64_t num_detectors() const { return num_detectors_; }
    std::uint32_t num_observables() const { return num_observables_; }
    std::size_t num_edges() const { return graph_->edges.size(); }
    const std::string& method() const { return method_; }
    const qec::DemGraphReport& report() const { return report_; }

    py::array_t<std::uint8_t> decode(py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast> syndrome) {
        if (syndrome.ndim() != 1 || std::uint64_t(syndrome.shape(0)) != num_detectors_)
            throw py::value_error("decode: the syndrome must be a 1-D array of " + std::to_string(num_detectors_) +
                                  " detection events (one per detector), got shape " + shape_text(syndrome));
        const std::uint8_t* s = syndrome.data();
        std::vector<std::uint32_t> defects;
        for (std::uint64_t d = 0; d < num_detectors_; ++d)
            if (s[d]) defects.push_back(std::uint32_t(d));
        std::uint64_t predicted;
        {
            py::gil_scoped_release release;
            std::lock_guard<std::mutex> lock(mutex_);
            predicted = decoder_->decode(defects);
        }
        py::array_t<std::uint8_t> out(num_observables_);
        for (std::uint32_t k = 0; k < num_observables_; ++k) out.mutable_data()[k] = (predicted >> k) & 1;
        return out;
    }

    py::array_t<std::uint8_t> decode_batch(
        py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast> shots, bool packed_shots,
        bool packed_predictions) {
        const std::size_t width = packed_shots ? (num_detectors_ + 7) / 8 : num_detectors_;
        if (shots.ndim() != 2 || std::size_t(shots.shape(1)) != width)
            throw py::value_error("decode_batch: shots must be a 2-D array with one row per shot and " +
                                  std::to_string(width) +
                                  (packed_shots ? " bytes (bit-packed detectors)" : " columns (one per detector)") +
                                  " per row, got shape " + shape_text(shots));
        const std::size_t n = shots.shape(0);
        const std::size_t out_width = packed_predictions ? (num_observables_ + 7) / 8 : num_observables_;
        py::array_t<std::uint8_t> out({n, out_width});
        std::uint8_t* o = out.mutable_data();
        std::fill_n(o, n * out_width, 0);
        const std::uint8_t* in = shots.data();
        {
            py::gil_scoped_release release;
            std::lock_guard<std::mutex> lock(mutex_);
            std::vector<std::uint32_t> defects;
            for (std::size_t s = 0; s < n; ++s) {
                defects.clear();
                const std::uint8_t* row = in + s * width;
                if (packed_shots) {
                    for (std::size_t b = 0; b < width; ++b)
                        for (unsigned bits = row[b]; bits; bits &= bits - 1) {
                            const std::uint64_t d = b * 8 + unsigned(__builtin_ctz(bits));
                            if (d < num_detectors_) defects.push_back(std::uint32_t(d));
                        }
                } else {
                    for (std::size_t d = 0; d < width; ++d)
                        if (row[d]) defects.push_back(std::uint32_t(d));
                }
                const std::uint64_t predicted = decoder_->decode(defects);
                std::uint8_t* dst = o + s * out_width;
                for (std::uint32_t k = 0; k < num_observables_; ++k) {
                    if (!((predicted >> k) & 1)) continue;
                    if (packed_predictions) dst[k >> 3] |= std::uint8_t(1u << (k & 7));
                    else dst[k] = 1;
                }
            }
        }
        return out;
    }

  private:
    static std::string shape_text(const py::array& a) {
        std::string s = "(";
        for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
        return s + (a.ndim() == 1 ? ",)" : ")");
    }

    qec::DemGraphReport report_;
    std::unique_ptr<qec::DecodingGraph> graph_;  // the decoder points into it
    std::unique_ptr<qec::Decoder> decoder_;
    std::uint64_t num_detectors_;
    std::uint32_t num_observables_;
    std::string method_;
    std::mutex mutex_;
};

// ---------------------------------------------------------------------------------------------------------------
// The commands, in this process

/// Copies what the process writes to file descriptor `fd` into a string while the object lives, passing it on to
/// the original destination too when `echo`. The commands print with C stdio and spawn children (sweep) that
/// inherit the descriptor, so it is the descriptor that is redirected, through a pipe drained by a thread.
class FdCapture {
  public:
    FdCapture(int fd, bool echo) : fd_(fd), echo_(echo) {
        std::fflush(nullptr);
        int p[2];
        if (pipe(p) != 0) throw std::runtime_error("cannot create a pipe to capture output");
        saved_ = dup(fd_);
        dup2(p[1], fd_);
        close(p[1]);
        read_end_ = p[0];
        reader_ = std::thread([this] {
            char buf[4096];
            for (ssize_t k; (k = read(read_end_, buf, sizeof buf)) != 0;) {
                if (k < 0) {
                    if (errno == EINTR) continue;
                    break;
                }
                text_.append(buf, std::size_t(k));
                if (echo_) {
                    for (ssize_t off = 0; off < k;) {
                        const ssize_t w = write(saved_, buf + off, std::size_t(k - off));
                        if (w <= 0) break;
                        off += w;
                    }
                }
            }
        });
    }
    /// Restores the descriptor and returns everything written meanwhile.
    std::string finish() {
        if (saved_ < 0) return text_;
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
        dup2(saved_, fd_);  // the pipe's last write end in this process closes: the reader sees its end
        close(saved_);
        saved_ = -1;
        reader_.join();
        close(read_end_);
        return text_;
    }
    ~FdCapture() { finish(); }

  private:
    int fd_;
    bool echo_;
    int saved_ = -1, read_end_ = -1;
    std::thread reader_;
    std::string text_;
};

std::mutex g_command_mutex;  // descriptors are process-wide: one command at a time

/// Runs `qdes COMMAND ARGS...` in this process. Returns (exit code, what it wrote to stderr, to stdout).
py::tuple run_cli(const std::string& command, const std::vector<std::string>& args, const std::string& command_line,
                  bool echo_stderr, bool echo_stdout) {
    int code;
    std::string err, out;
    {
        py::gil_scoped_release release;
        std::lock_guard<std::mutex> lock(g_command_mutex);
        FdCapture capture_err(STDERR_FILENO, echo_stderr);
        FdCapture capture_out(STDOUT_FILENO, echo_stdout);
        try {
            code = cli::run_command(command, args, command_line);
        } catch (const std::exception& e) {  // a command lets nothing escape; this is a last resort
            std::fprintf(stderr, "qdes %s: %s\n", command.c_str(), e.what());
            code = cli::kExitSimulationFailed;
        }
        out = capture_out.finish();
        err = capture_err.finish();
    }
    return py::make_tuple(code, err, out);
}

/// The scenario as `qdes run` would run it (overrides applied, defaults filled in) as canonical JSON text; InputError
/// with every problem, one per line, otherwise.
std::string resolve_scenario(const std::string& file, const std::vector<std::string>& overrides) {
    Diagnostics d;
    std::optional<Scenario> scenario;
    {
        py::gil_scoped_release release;
        ComponentRegistry registry = cli::build_registry();
        scenario = cli::load_checked_scenario(file, overrides, registry, d);
    }
    if (!scenario) {
        raise_with(g_types.input_error, cli::problems_text(d), file.empty() ? std::nullopt : std::optional(file),
                   std::nullopt);
        throw py::error_already_set();
    }
    return scenario->to_json().dump();
}

/// The accelerator on a SCALE-Sim configuration and topology, in memory: (run name, mode, the main report's CSV).
py::tuple accel_report(const cli::AccelOptions& options) {
    std::string csv, name;
    {
        py::gil_scoped_release release;
        cli::AccelJob job = cli::prepare_accel(options);
        Simulation sim;
        const accel::Accelerator& accelerator = inference::add_network(sim, job.ops, job.setup);
        sim.run();
        sim.finish();
        csv = cli::accel_report_csv(job, accelerator);
        name = job.cfg.run_name;
    }
    return py::make_tuple(name, options.scalesim_compat ? "scalesim" : "realistic", csv);
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "qdes's C++ core: circuits, sampling, detector error models, decoders, and the commands";

    g_types.error = new_exception(m, "Error", PyExc_Exception, nullptr, "Every error qdes raises.");
    g_types.circuit_error = new_exception(m, "CircuitError", g_types.error, PyExc_ValueError,
                                          "A malformed or unsupported circuit; .file and .line say where.");
    g_types.dem_error = new_exception(m, "DemFormatError", g_types.error, PyExc_ValueError,
                                      "A malformed detector error model; .line says where.");
    g_types.input_error = new_exception(m, "InputError", g_types.error, PyExc_ValueError,
                                        "Bad input to a command: a scenario, an override, an accelerator file. The "
                                        "message names the file, line and key, as the command line prints them.");
    g_types.simulation_error = new_exception(m, "SimulationError", g_types.error, PyExc_RuntimeError,
                                             "A run that started and failed; its run file says why.");
    py::register_exception_translator(translate);

    m.def("version", [] { return std::string(code_version()); }, "the qdes build's `git describe`");

    py::class_<quantum::Circuit>(m, "Circuit", "A circuit in Stim's text format, plus CCX, CCZ and MCX.")
        .def(py::init([](const std::string& text) { return quantum::parse_circuit(text, "<string>"); }),
             py::arg("text") = "", "Parses Stim-format text; CircuitError names the line of a problem.")
        .def_static("from_file", [](const std::string& path) { return quantum::read_circuit_file(path); },
                    py::arg("path"))
        .def_static("generated", &generated_circuit, py::arg("code"), py::kw_only(), py::arg("distance"),
                    py::arg("rounds"), py::arg("after_clifford_depolarization") = 0.0,
                    py::arg("before_round_data_depolarization") = 0.0,
                    py::arg("before_measure_flip_probability") = 0.0, py::arg("after_reset_flip_probability") = 0.0,
                    "Stim's rotated surface code memories, instruction for instruction: code is "
                    "surface_code:rotated_memory_x or surface_code:rotated_memory_z.")
        .def_static(
            "memory",
            [](const std::string& code, std::uint32_t size, std::uint64_t rounds, const std::string& basis,
               const std::string& noise, double p, std::optional<double> q, double idle) {
                quantum::MemoryOptions o{rounds, basis_of(basis), noise_model(noise, p, q, idle)};
                return quantum::memory_circuit(quantum::make_code(code, size), o);
            },
            py::arg("code"), py::arg("size"), py::kw_only(), py::arg("rounds") = 1, py::arg("basis") = "Z",
            py::arg("noise") = "none", py::arg("p") = 0.0, py::arg("q") = py::none(), py::arg("idle") = 0.0,
            "A CSS code memory (repetition, ising2d, toric2d, toric4d) measured `rounds` times, with a named noise "
            "model (gate_bitflip, gate_depolarizing, phenomenological).")
        .def_static(
            "toom_memory",
            [](std::uint32_t L, std::uint64_t rounds, const std::string& noise, double p, std::optional<double> q,
               double idle) { return quantum::toom_memory_circuit(L, rounds, noise_model(noise, p, q, idle)); },
            py::arg("L"), py::arg("rounds"), py::kw_only(), py::arg("noise") = "none", py::arg("p") = 0.0,
            py::arg("q") = py::none(), py::arg("idle") = 0.0,
            "Toom's rule as measurement-free LEC (CX + CCX) on the L x L Ising memory.")
        .def(
            "with_noise",
            [](const quantum::Circuit& c, const std::string& model, double p, std::optional<double> q, double idle) {
                return quantum::add_gate_noise(c, noise_model(model, p, q, idle));
            },
            py::arg("model"), py::kw_only(), py::arg("p"), py::arg("q") = py::none(), py::arg("idle") = 0.0,
            "The circuit with gate_bitflip or gate_depolarizing noise added (as `qdes detect --noise`).")
        .def_property_readonly("num_qubits", &quantum::Circuit::num_qubits)
        .def_property_readonly("num_measurements", &quantum::Circuit::num_measurements)
        .def_property_readonly("num_detectors", &quantum::Circuit::num_detectors)
        .def_property_readonly("num_observables", &quantum::Circuit::num_observables)
        .def("to_file",
             [](const quantum::Circuit& c, const std::string& path) {
                 std::ofstream out(path);
                 out << c.to_text();
                 if (!out) throw std::runtime_error("cannot write " + path);
             },
             py::arg("path"))
        .def("get_detector_coordinates",
             [](const quantum::Circuit& c) { return coordinates_dict(quantum::detector_coordinates(c)); },
             "Each detector's coordinates (loops unrolled, SHIFT_COORDS applied), by index, as Stim's.")
        .def(
            "compile_detector_sampler",
            [](const quantum::Circuit& c, std::optional<std::uint64_t> seed, std::optional<std::size_t> batch,
               std::optional<unsigned> threads) { return std::make_unique<DetectorSampler>(c, seed, batch, threads); },
            py::kw_only(), py::arg("seed") = py::none(), py::arg("batch") = py::none(), py::arg("threads") = py::none(),
            "A sampler of detection events and observable flips. The same seed and batch give the same shots as "
            "`qdes detect --seed S --batch B`, for any threads (default: every core); no seed draws one from the "
            "system.")
        .def(
            "detector_error_model",
            [](const quantum::Circuit& c, bool decompose) {
                py::gil_scoped_release release;
                return quantum::analyze_errors(c, quantum::ErrorAnalysisOptions{decompose});
            },
            py::kw_only(), py::arg("decompose_errors") = false,
            "The exact detector error model (as `qdes analyze`); decompose_errors splits errors into graphlike parts.")
        .def("__str__", &quantum::Circuit::to_text)
        .def("__repr__", &circuit_repr)
        .def(
            "__eq__", [](const quantum::Circuit& a, const quantum::Circuit& b) { return a.to_text() == b.to_text(); },
            py::is_operator())
        .def("__add__",
             [](const quantum::Circuit& a, const quantum::Circuit& b) {
                 return quantum::parse_circuit(a.to_text() + "\n" + b.to_text(), "<circuit + circuit>");
             })
        .def("__mul__",
             [](const quantum::Circuit& a, std::uint64_t n) {
                 if (n == 0) return quantum::Circuit{};
                 if (n == 1) return a;
                 return quantum::parse_circuit("REPEAT " + std::to_string(n) + " {\n" + a.to_text() + "\n}\n",
                                               "<circuit * n>");
             })
        .def(py::pickle([](const quantum::Circuit& c) { return c.to_text(); },
                        [](const std::string& text) { return quantum::parse_circuit(text, "<pickle>"); }));

    py::class_<DetectorSampler>(m, "CompiledDetectorSampler", "Samples a circuit's detection events.")
        .def("sample", &DetectorSampler::sample, py::arg("shots"), py::kw_only(),
             py::arg("prepend_observables") = false, py::arg("append_observables") = false,
             py::arg("separate_observables") = false, py::arg("bit_packed") = false,
             "Shots x detectors as numpy bools (bit_packed: uint8, 8 detectors per byte, little-endian within a "
             "byte, as Stim); separate_observables returns (detection events, observable flips).")
        .def("sample_write", &DetectorSampler::sample_write, py::arg("shots"), py::kw_only(), py::arg("filepath"),
             py::arg("format") = "01", py::arg("append_observables") = false,
             "Writes shots in the layout of `qdes detect` and `stim detect` (01 or b8).")
        .def_property_readonly("num_detectors", &DetectorSampler::num_detectors)
        .def_property_readonly("num_observables", &DetectorSampler::num_observables)
        .def_property_readonly("batch", &DetectorSampler::batch)
        .def_property_readonly("seed", &DetectorSampler::seed)
        .def_property_readonly("threads", &DetectorSampler::threads);

    py::class_<quantum::DetectorErrorModel>(m, "DetectorErrorModel", "A detector error model in Stim's .dem format.")
        .def(py::init([](const std::string& text) { return quantum::parse_dem(text, "<string>"); }),
             py::arg("text") = "")
        .def_static("from_file", [](const std::string& path) { return quantum::read_dem_file(path); },
                    py::arg("path"))
        .def("to_file",
             [](const quantum::DetectorErrorModel& d, const std::string& path) {
                 std::ofstream out(path);
                 out << d.to_text();
                 if (!out) throw std::runtime_error("cannot write " + path);
             },
             py::arg("path"))
        .def_readonly("num_detectors", &quantum::DetectorErrorModel::num_detectors)
        .def_readonly("num_observables", &quantum::DetectorErrorModel::num_observables)
        .def_property_readonly("num_errors",
                               [](const quantum::DetectorErrorModel& d) { return d.errors.size(); })
        .def("get_detector_coordinates",
             [](const quantum::DetectorErrorModel& d) { return coordinates_dict(d.detector_coords); })
        .def("detector_firing_probabilities",
             [](const quantum::DetectorErrorModel& d) { return quantum::detector_firing_probabilities(d); },
             "The exact probability that each detector fires, from the model.")
        .def("__str__", &quantum::DetectorErrorModel::to_text)
        .def("__repr__",
             [](const quantum::DetectorErrorModel& d) {
                 std::string text = d.to_text();
                 if (!text.empty() && text.back() == '\n') text.pop_back();
                 return "qdes.DetectorErrorModel('''\n" + text + "\n''')";
             })
        .def(
            "__eq__",
            [](const quantum::DetectorErrorModel& a, const quantum::DetectorErrorModel& b) {
                return a.to_text() == b.to_text();
            },
            py::is_operator());

    py::class_<PyDecoder>(m, "Decoder", "A decoder on a detector error model's graph: union_find or matching.")
        .def(py::init<const quantum::DetectorErrorModel&, const std::string&>(), py::arg("model"), py::kw_only(),
             py::arg("method") = "matching")
        .def("decode", &PyDecoder::decode, py::arg("syndrome"),
             "The observables predicted flipped (uint8, one per observable) for one shot's detection events.")
        .def("decode_batch", &PyDecoder::decode_batch, py::arg("shots"), py::kw_only(),
             py::arg("bit_packed_shots") = false, py::arg("bit_packed_predictions") = false,
             "decode for every row of a 2-D array (as PyMatching's decode_batch).")
        .def_property_readonly("num_detectors", &PyDecoder::num_detectors)
        .def_property_readonly("num_observables", &PyDecoder::num_observables)
        .def_property_readonly("num_edges", &PyDecoder::num_edges)
        .def_property_readonly("method", &PyDecoder::method)
        .def_property_readonly("graph_report", [](const PyDecoder& d) {
            const qec::DemGraphReport& r = d.report();
            py::dict out;
            out["edges"] = r.edges;
            out["merged_parts"] = r.merged_parts;
            out["conflicting_parts"] = r.conflicting_parts;
            out["undetectable_errors"] = r.undetectable_errors;
            out["undetectable_probability"] = r.undetectable_probability;
            return out;
        });
    m.def("decoder_methods", &qec::decoder_names);

    m.def("run_cli", &run_cli, py::arg("command"), py::arg("args"), py::arg("command_line"),
          py::arg("echo_stderr") = false, py::arg("echo_stdout") = false,
          "Runs `qdes COMMAND ARGS...` in this process: (exit code, stderr text, stdout text).");
    m.def("resolve_scenario", &resolve_scenario, py::arg("file"), py::arg("overrides"));
    m.def("set_qdes_executable", &cli::set_qdes_executable, py::arg("path"),
          "The qdes program that sweeps start for each point.");

    py::class_<cli::AccelOptions>(m, "AccelOptions")
        .def(py::init<>())
        .def_readwrite("config", &cli::AccelOptions::config)
        .def_readwrite("topology", &cli::AccelOptions::topology)
        .def_readwrite("gemm", &cli::AccelOptions::gemm)
        .def_readwrite("scalesim_compat", &cli::AccelOptions::scalesim_compat)
        .def_readwrite("scalesim_mean", &cli::AccelOptions::scalesim_mean)
        .def_readwrite("dram", &cli::AccelOptions::dram)
        .def_readwrite("dram_channels", &cli::AccelOptions::dram_channels)
        .def_readwrite("clock", &cli::AccelOptions::clock)
        .def_readwrite("literal_depthwise", &cli::AccelOptions::literal_depthwise);
    m.def("accel_report", &accel_report, py::arg("options"));
}
