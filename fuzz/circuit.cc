// Stim's circuit format plus CCX/CCZ/MCX (models/quantum/circuit.h): parse; an accepted circuit must print as text
// that parses back to the same text; a small one is also compiled (the CCX control check on a tableau), sampled
// and analysed into a detector error model.

#include "fuzz/fuzz_support.h"
#include "models/quantum/circuit.h"
#include "models/quantum/error_analysis.h"
#include "models/quantum/frame_simulator.h"
#include "models/quantum/program.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace qdes;
    const std::string text = fuzz::text_of(data, size);
    fuzz::expect_clean("fuzz.stim", [&] {
        const quantum::Circuit c = quantum::parse_circuit(text, "fuzz.stim");
        const std::string once = c.to_text();
        const quantum::Circuit again = quantum::parse_circuit(once, "fuzz.stim (printed)");
        fuzz::require(again.to_text() == once, "a parsed circuit's text does not parse back to the same text");
        // Bounded work per input: the simulator's cost is gates x shots, the analysis's gates x qubits.
        if (c.num_qubits() > 512 || c.num_gate_applications() > 20000 || c.num_measurements() > 20000 ||
            c.num_detectors() > 20000)
            return;
        const quantum::Program program = quantum::compile(c);
        quantum::FrameSimulator sim(program, 64, 1);
        sim.run();
        if (c.num_qubits() <= 64 && c.num_gate_applications() <= 2000)
            (void)quantum::analyze_errors(c, quantum::ErrorAnalysisOptions{false});
    });
    return 0;
}
