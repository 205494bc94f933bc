#pragma once
#include <string_view>

namespace qdes {
/// The source version this binary was built from (`git describe --always --dirty`), recorded in every output file.
std::string_view code_version();
}  // namespace qdes
