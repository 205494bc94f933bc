#pragma once
/// Integer type aliases used across qdes.

#include <cstdint>

namespace qdes {
/// 128-bit unsigned arithmetic for exact products (cycles x period, decimal mantissas).
__extension__ typedef unsigned __int128 u128;
}  // namespace qdes
