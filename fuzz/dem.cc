// Stim's detector error model format (models/quantum/dem.h): parse; an accepted model must print as text that
// parses back to the same text, and a small one is turned into a decoding graph and each decoder corrects a
// syndrome that has a correction.

#include "fuzz/fuzz_support.h"
#include "models/quantum/dem.h"
#include "protocols/qec/decoder.h"
#include "protocols/qec/dem_graph.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace qdes;
    const std::string text = fuzz::text_of(data, size);
    fuzz::expect_clean("fuzz.dem", [&] {
        const quantum::DetectorErrorModel model = quantum::parse_dem(text, "fuzz.dem");
        const std::string once = model.to_text();
        const quantum::DetectorErrorModel again = quantum::parse_dem(once, "fuzz.dem (printed)");
        fuzz::require(again.to_text() == once, "a parsed model's text does not parse back to the same text");
        if (model.num_detectors > 4096 || model.errors.size() > 4096) return;
        const qec::DecodingGraph graph = qec::graph_from_dem(model);
        // A syndrome that has a correction: the endpoints flipped by a few of the graph's own edges.
        std::vector<std::uint8_t> flipped(graph.num_nodes, 0);
        for (std::size_t e = 0; e < graph.edges.size() && e < 15; e += 3) {
            flipped[graph.edges[e].a] ^= 1;
            if (graph.edges[e].b != qec::DecodingGraph::kBoundary) flipped[graph.edges[e].b] ^= 1;
        }
        std::vector<std::uint32_t> defects;
        for (std::uint32_t d = 0; d < graph.num_nodes; ++d)
            if (flipped[d]) defects.push_back(d);
        for (const std::string& method : qec::decoder_names()) {
            if (method == "matching" && graph.num_nodes > 256) continue;
            (void)qec::make_decoder(method, graph)->decode(defects);
        }
    });
    return 0;
}
