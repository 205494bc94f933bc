#pragma once
/// User-defined LEC rules for readout cycles on the 2D toric code, from a file:
///
///   name: both_ends
///   corrections:           # flip a data edge when every `all` plaquette fires and no `none` plaquette does
///     horizontal:          # the edge between plaquette (i, j) and the one above it, (i - 1, j)
///       - {all: [[0, 0], [-1, 0]]}
///     vertical:            # the edge between plaquette (i, j) and the one to its left, (i, j - 1)
///       - {all: [[0, 0], [0, -1]], none: [[1, 0]]}
///
/// Offsets are (row, column) from the edge's plaquette (i, j) (the check that reads the edge first), wrapping around
/// the torus. Every round copies each plaquette's parity to its ancilla; each correction is then a CX, CCX or MCX
/// from those ancillas onto the edge, with X gates around the `none` ancillas, in conflict-free layers. The
/// built-in both_ends rule is the file above without the `none`.

#include <string>
#include <vector>

#include "protocols/lec/rule.h"

namespace qdes::qec {

struct ToricLecRule {
    std::string name;
    std::string source;
    struct Correction {
        std::vector<lec::Offset> all, none;
    };
    std::vector<Correction> horizontal, vertical;
};

/// std::runtime_error "file:line:column: key: message" on any problem: unknown keys, an empty condition list, an
/// offset listed twice, no correction at all.
ToricLecRule parse_toric_rule(const std::string& text, const std::string& source);
ToricLecRule load_toric_rule(const std::string& path);

/// The rule's gates on the toric code of side L: data edges 0..2L^2-1 (toric2d_code's numbering), the ancilla of
/// plaquette c at 2L^2 + c. Each gate lists its controls, then its target; `negated` marks the `none` controls.
/// Throws std::invalid_argument when offsets wrap onto one plaquette twice at this L.
void toric_rule_gates(const ToricLecRule& rule, std::uint32_t L, std::vector<std::vector<std::uint32_t>>& gates,
                      std::vector<std::vector<bool>>& negated);

}  // namespace qdes::qec
