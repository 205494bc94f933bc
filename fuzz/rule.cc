// LEC rule files (protocols/lec): the unit-cell rules of lec_memory's `rule: file` and the 4D toric code's rules,
// each parser on the same text. An accepted rule must format as a file that parses back to the same rule.

#include "fuzz/fuzz_support.h"
#include "protocols/lec/rule.h"
#include "protocols/lec/toric4d.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace qdes;
    const std::string text = fuzz::text_of(data, size);
    fuzz::expect_clean("fuzz_rule.yaml", [&] {
        const lec::LecRule rule = lec::parse_lec_rule(text, "fuzz_rule.yaml");
        const std::string once = lec::format_lec_rule(rule);
        fuzz::require(lec::format_lec_rule(lec::parse_lec_rule(once, "fuzz_rule.yaml (formatted)")) == once,
                      "a rule's file does not read back to the same rule");
    });
    fuzz::expect_clean("fuzz_rule4d.yaml", [&] {
        const lec::Toric4dRule rule = lec::parse_toric4d_rule(text, "fuzz_rule4d.yaml");
        const std::string once = lec::format_toric4d_rule(rule);
        fuzz::require(lec::format_toric4d_rule(lec::parse_toric4d_rule(once, "fuzz_rule4d.yaml (formatted)")) ==
                          once,
                      "a 4D rule's file does not read back to the same rule");
    });
    return 0;
}
