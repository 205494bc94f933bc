#pragma once
/// The search space of LEC rules on the 2D Ising memory: unit-cell rules (protocols/lec/rule.h) over a given gate
/// set, built one action at a time, in which every rule that can be built is a valid rule.
///
/// A rule is built in three phases, each gate a few actions:
///   1. parity ancillas: "parity d" adds an ancilla holding the parity of the cell's bit and the bit at offset d
///      (two CX per cell), offsets in increasing order (the order of ancillas is then canonical);
///   2. with `hierarchical`, AND ancillas: "and", then its controls one "ref" at a time (an earlier ancilla at an
///      offset, maybe negated; the ancilla named by what it holds, see RuleSpace), then "end"; an ancilla computed
///      from ancillas by CCX or MCX;
///   3. corrections: "correction", its controls, "end": flip the cell's bit when every control holds (CX for one
///      control, CCX for two, MCX for more);
/// and "stop" ends the rule once it has a correction. Controls are taken in increasing order, each (ancilla,
/// offset) once, so each control set has one spelling.
///
/// What makes a rule invalid cannot be chosen: the mask of allowed actions admits a gate only if the gate set has
/// its arity (CX: 1 control, CCX: 2, MCX: 3 up to `max_controls`), only ancillas already computed as controls
/// (so every control is a classical bit, the parity or AND of data bits), only as many ancillas, corrections and
/// gate layers per round as the bounds allow (the layers counted as lec_round_layers lays the round out, at the
/// space's L), and no correction that fires on the error-free memory (its all-zero state must stay a fixed point,
/// or the rule would flip a perfect memory every round). Gates never share a qubit within a layer because the
/// round circuit is laid out in conflict-free layers. Toom's rule lies in the space whenever the gate set has CX
/// and CCX and the bounds allow two ancillas and six layers (toom_actions).
///
/// When a correction's controls can no longer be completed within the bounds (a dead end: no allowed action), the
/// gate is dropped and no further gate of that kind is started; an episode that ends without any correction
/// yields no rule.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "protocols/lec/rule.h"
#include "protocols/lec/toric4d.h"

namespace qdes::search {

/// A rule of either lattice: the 2D Ising memory's unit cell, or the 4D toric code's plaquette rule.
using Rule = std::variant<lec::LecRule, lec::Toric4dRule>;

/// Which gates a rule may use: CX (one control), CCX (two), MCX (three up to max_controls).
struct GateSet {
    bool cx = true, ccx = true, mcx = false;
    int max_controls = 2;
    bool allows(std::size_t controls) const;
    std::size_t most_controls() const;
};

/// How rules that the lattice's symmetry maps onto each other are treated: as different rules (translation: only
/// the unit cell's translations are used), or as one (point_group: the key of a rule is the least key of its 8
/// images under the square lattice's rotations and reflections, so an image is not evaluated again).
enum class Symmetry { kTranslation, kPointGroup };

struct SpaceSpec {
    GateSet gates;
    std::size_t max_ancillas = 2;     ///< per cell
    std::size_t max_corrections = 2;  ///< per cell
    std::size_t max_depth = 8;        ///< gate layers per round, the ancilla reset included
    int radius = 1;                   ///< parity and control offsets lie in [-radius, radius]^2
    bool hierarchical = false;        ///< AND ancillas (ancillas computed from ancillas)
    Symmetry symmetry = Symmetry::kPointGroup;
    std::uint32_t L = 4;  ///< the lattice on which layers are counted; needs L >= 2 radius + 1
};

/// An episode: a rule under construction, one action at a time.
class Builder {
  public:
    virtual ~Builder() = default;
    /// 1 for each action allowed now; all 0 once done().
    virtual const std::vector<std::uint8_t>& mask() const = 0;
    virtual bool done() const = 0;
    /// Applies an allowed action; std::logic_error for a masked one.
    virtual void apply(std::size_t action) = 0;
    /// The state as the policy sees it (the space's num_features() values in [0, 1]).
    virtual void features(double* out) const = 0;
    /// Whether the episode built a rule (done, with at least one correction).
    virtual bool has_rule() const = 0;
    virtual Rule rule() const = 0;
    /// Gates dropped at a dead end.
    virtual std::size_t dead_ends() const = 0;
};

/// A space of rules: its actions, the features an episode shows the policy, and new episodes.
class Space {
  public:
    virtual ~Space() = default;
    virtual std::size_t num_actions() const = 0;
    virtual std::size_t num_features() const = 0;
    virtual std::string action_name(std::size_t action) const = 0;
    virtual std::unique_ptr<Builder> builder() const = 0;
    /// An episode in the space's small part, for a curriculum that starts small (the smallest rules that can hold
    /// a useful correction); the whole space where there is no smaller part.
    virtual std::unique_ptr<Builder> small_builder() const { return builder(); }
    /// The actions that build the lattice's Toom rule, or empty when the space does not hold it.
    virtual std::vector<std::size_t> toom_actions() const = 0;
    virtual Symmetry symmetry() const = 0;
};

/// The actions and their numbering (fixed for a spec):
///   [0, P)          parity with offset k (the (2r+1)^2 - 1 offsets other than (0, 0), row-major)
///   P, P+1, P+2, P+3  and, correction, stop, end
///   [P+4, P+4+R)    a control: source s at offset o, maybe negated: P + 4 + (s (2r+1)^2 + o) 2 + negated
/// A control names its ancilla by what it holds, not by its place in the list: sources [0, P) are the parity
/// ancillas by offset (the same numbering as the parity actions), sources P, P+1, ... the first, second, ... AND
/// ancilla. So "the north parity here" is one action whatever else the rule holds, and the policy can learn it.
class RuleSpace final : public Space {
  public:
    explicit RuleSpace(const SpaceSpec& spec);  ///< std::invalid_argument on an unusable spec
    const SpaceSpec& spec() const { return spec_; }
    std::size_t num_actions() const override { return first_ref_ + refs_; }
    std::size_t num_features() const override;
    std::string action_name(std::size_t action) const override;
    std::unique_ptr<Builder> builder() const override;
    /// At most two ancillas, both parities, and gates of at most two controls.
    std::unique_ptr<Builder> small_builder() const override;
    std::vector<std::size_t> toom_actions() const override;
    Symmetry symmetry() const override { return spec_.symmetry; }

    std::size_t offsets() const { return offsets_; }  ///< (2r+1)^2
    lec::Offset offset(std::size_t k) const;          ///< offset k of the (2r+1)^2, row-major
    std::size_t centre() const { return offsets_ / 2; }
    std::size_t parity_action(std::size_t offset_index) const;  ///< offset_index != centre()
    std::size_t and_action() const { return parities_; }
    std::size_t correction_action() const { return parities_ + 1; }
    std::size_t stop_action() const { return parities_ + 2; }
    std::size_t end_action() const { return parities_ + 3; }
    /// Sources of controls: the parity ancilla with offset k (k != centre()), the j-th AND ancilla (from 0).
    std::size_t parity_source(std::size_t offset_index) const { return parity_action(offset_index); }
    std::size_t and_source(std::size_t j) const { return parities_ + j; }
    std::size_t sources() const { return sources_; }
    std::size_t ref_action(std::size_t source, std::size_t offset_index, bool negated) const;
    std::size_t first_ref() const { return first_ref_; }
    /// The source, offset index and negation of a control action.
    void ref_of(std::size_t action, std::size_t& source, std::size_t& offset_index, bool& negated) const;
    std::string source_name(std::size_t source) const;

  private:
    SpaceSpec spec_;
    std::size_t offsets_, parities_, sources_, first_ref_, refs_;
};

/// One episode in a RuleSpace.
class RuleBuilder final : public Builder {
  public:
    explicit RuleBuilder(const RuleSpace& space, bool small = false);
    const std::vector<std::uint8_t>& mask() const override { return mask_; }
    bool done() const override { return done_; }
    void apply(std::size_t action) override;
    void features(double* out) const override;
    bool has_rule() const override { return done_ && !rule_.corrections.empty(); }
    Rule rule() const override { return rule_; }
    /// The rule built so far.
    const lec::LecRule& ising_rule() const { return rule_; }
    std::size_t dead_ends() const override { return dead_ends_; }

  private:
    enum Open { kNone, kAnd, kCorrection };
    void update_mask();
    /// The rule with the open gate completed by `refs`, or nullopt-like false when its layers exceed the bound.
    bool fits(const std::vector<std::size_t>& refs) const;
    std::vector<lec::AncillaRef> refs_of(const std::vector<std::size_t>& refs) const;
    bool falsified_when_clean(const std::vector<std::size_t>& refs) const;
    bool end_allowed() const;
    bool could_end(const std::vector<std::size_t>& refs) const;
    /// Whether the controls `refs` (later ones taken from below action `to`) can still make a gate the gate set
    /// and the clean-memory condition allow; the layer bound is left to fits().
    bool completable(std::vector<std::size_t>& refs) const;
    bool exists(std::size_t ref_action) const;

    const RuleSpace& space_;
    std::size_t max_ancillas_, most_controls_;  ///< the spec's, or less in the small part
    bool hierarchical_;
    lec::LecRule rule_;
    std::vector<std::uint8_t> mask_;
    std::vector<bool> clean_;  ///< each ancilla's value on the error-free memory
    std::vector<long> ancilla_of_source_;  ///< -1 while the source has no ancilla
    std::vector<double> parity_taken_, and_refs_, correction_refs_;
    std::size_t last_parity_ = 0, ands_ = 0;
    bool any_parity_ = false, done_ = false, ands_closed_ = false, corrections_closed_ = false;
    Open open_ = kNone;
    std::vector<std::size_t> open_refs_;
    std::size_t depth_ = 0;  ///< layers of the rule without the open gate
    std::size_t dead_ends_ = 0;
};

/// A key that identifies a rule's circuit: ancillas by index, controls sorted within each gate. Under kPointGroup,
/// the least key of the rule's images under the 8 symmetries of the square lattice (2D rules only).
std::string rule_key(const lec::LecRule& rule, Symmetry symmetry);
std::string rule_key(const Rule& rule, Symmetry symmetry);

/// Faulty operations per cell per round: the ancilla resets, CX gates of the parities, one gate per AND and per
/// correction, and the X gates before and after each negated control. For a 4D rule, per plaquette: the edge
/// ancillas' resets and CX (4 edges per 4-cube vertex against 6 plaquettes: 4/6 reset and 4 CX), its corrections
/// and their negations' X gates.
double gates_per_cell(const lec::LecRule& rule);
double gates_per_cell(const Rule& rule);

/// Gate layers of one round at size L.
std::size_t round_layers(const Rule& rule, std::uint32_t L);
/// The rule as a rule file (with `comment` first), and renamed.
std::string format_rule(const Rule& rule, const std::string& comment = "");
void rename_rule(Rule& rule, const std::string& name);
/// "2 ancillas (north, east), 1 correction".
std::string describe_rule(const Rule& rule);

/// Ancilla names by offset: north, east, south, west, northeast, ...; beyond radius 1 "d<row>_<column>".
std::string offset_name(lec::Offset o);

}  // namespace qdes::search
