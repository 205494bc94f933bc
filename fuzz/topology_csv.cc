// SCALE-Sim topology CSV files (protocols/inference/topology.h), read as convolution or as GEMM topologies: an
// accepted file is lowered to GEMMs and, where the fold count is modest, each GEMM is timed as SCALE-Sim would.

#include "fuzz/fuzz_support.h"
#include "hardware/accel/scalesim_compat.h"
#include "protocols/inference/topology.h"

namespace {
std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0); }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace qdes;
    const std::string text = fuzz::text_of(data, size);
    for (const bool gemm : {false, true}) {
        fuzz::expect_clean("fuzz.csv", [&] {
            const std::vector<inference::Layer> layers = inference::parse_topology_csv(text, "fuzz.csv", gemm);
            const std::vector<accel::GemmOp> ops = inference::lower(layers, inference::LoweringOptions{});
            const accel::ScaleSimConfig config;  // 32 x 32, output stationary
            for (const accel::GemmOp& op : ops) {
                if (op.groups != 1 || op.M > (1u << 22) || op.N > (1u << 22) ||
                    ceil_div(op.M, 32) * ceil_div(op.N, 32) > 100000)
                    continue;
                (void)accel::scalesim_layer(op, config);
            }
        });
    }
    return 0;
}
