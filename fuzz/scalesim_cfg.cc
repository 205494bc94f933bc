// SCALE-Sim .cfg files (hardware/accel/scalesim_config.h).

#include "fuzz/fuzz_support.h"
#include "hardware/accel/scalesim_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace qdes;
    const std::string text = fuzz::text_of(data, size);
    fuzz::expect_clean("fuzz.cfg", [&] {
        const accel::ScaleSimConfig c = accel::parse_scalesim_config(text, "fuzz.cfg");
        fuzz::require(c.rows > 0 && c.cols > 0, "a configuration with a zero array dimension was accepted");
    });
    return 0;
}
