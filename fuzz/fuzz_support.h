#pragma once
/// What every fuzz harness holds its parser to: it may refuse an input only with the project's input exception
/// (std::runtime_error or std::invalid_argument, which the command line prints as its one message), and that
/// message must name the source it was given, so that a user learns which file is wrong. Anything else, an
/// exception of another type (std::bad_alloc, std::out_of_range, std::length_error, ...), a refusal that names no
/// file, a crash, a leak or undefined behaviour under the sanitizers, is a finding: the harness aborts.
///
/// The same harnesses build two ways (fuzz/CMakeLists.txt): with libFuzzer (Clang, `-DQDES_FUZZ=ON`) to search,
/// and with replay_main.cc, in every build, to run the corpus in fuzz/corpus/<harness>/ as a regression test
/// (QDES_FUZZ_VERBOSE=1: print what became of each input).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

namespace qdes::fuzz {

/// The fuzz input as text.
inline std::string text_of(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

[[noreturn]] inline void finding(const std::string& what) {
    std::fprintf(stderr, "qdes fuzz finding: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

/// Runs `parse`; an input exception is fine when its message names `source`, anything else is a finding.
template <class F>
void expect_clean(const std::string& source, F&& parse) {
    auto check = [&](const char* kind, const char* message) {
        const std::string_view m(message);
        if (m.find(source) == std::string_view::npos)
            finding(std::string(kind) + " whose message does not name the source \"" + source + "\": " + message);
    };
    static const bool verbose = std::getenv("QDES_FUZZ_VERBOSE") != nullptr;  // replay: say what became of each
    try {
        parse();
        if (verbose) std::fprintf(stderr, "  %s: accepted\n", source.c_str());
    } catch (const std::invalid_argument& e) {
        check("std::invalid_argument", e.what());
        if (verbose) std::fprintf(stderr, "  refused: %s\n", e.what());
    } catch (const std::runtime_error& e) {
        check("std::runtime_error", e.what());
        if (verbose) std::fprintf(stderr, "  refused: %s\n", e.what());
    } catch (const std::exception& e) {
        finding(std::string("an exception that is not an input error (") + typeid(e).name() + "): " + e.what());
    }
}

/// `cond` must hold for every input the parser accepts.
inline void require(bool cond, const std::string& what) {
    if (!cond) finding(what);
}

}  // namespace qdes::fuzz
