// ONNX models (models/nn/onnx_import.h) as bytes: protobuf, then the importer's operators, shapes and weights;
// an imported graph is also lowered to the accelerator's GEMMs.

#include "fuzz/fuzz_support.h"
#include "models/nn/onnx_import.h"
#include "protocols/inference/network.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace qdes;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    fuzz::expect_clean("fuzz.onnx", [&] {
        const nn::Graph graph = nn::import_onnx_bytes(bytes, "fuzz.onnx");
        (void)inference::lower_graph(graph, inference::GraphLoweringOptions{});
    });
    return 0;
}
