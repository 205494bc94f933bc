#pragma once
/// The search space of local rules on the 4D toric code (protocols/lec/toric4d.h: Toric4dRule): each plaquette
/// reads the edge ancillas of its four edges (a_near, b_near, a_far, b_far), which the round fills by CX with the
/// edges' Z checks, and flips itself when every literal of one of its corrections holds. The same rule acts on
/// every plaquette of every plane, as the lattice's translations and the symmetry between the six planes ask.
///
/// A rule is built one action at a time: "correction", its literals one "edge" at a time (edges in increasing
/// order, each at most once, maybe negated), "end"; and "stop" once it has a correction. As in the 2D space the
/// mask admits only valid rules: arities the gate set has (CX, CCX, MCX up to max_controls), at least one literal
/// that is not negated (a correction must not fire on the error-free memory), no correction twice, and no more
/// corrections or gate layers than the bounds allow. A literal is offered only if some completion of its
/// correction satisfies all of these, so a correction, once started, can always be ended. The 4D Toom rule, [a_far,
/// b_far] by CCX, lies in the space when the gate set has CCX.

#include <map>

#include "protocols/search/space.h"

namespace qdes::search {

struct Toric4dSpaceSpec {
    GateSet gates;
    std::size_t max_corrections = 2;
    std::size_t max_depth = 16;  ///< gate layers per round, the reset included (the 4D Toom rule has 1 + 6 + 3)
    std::uint32_t L = 3;         ///< where layers are counted
};

/// Actions: 0 correction, 1 stop, 2 end, 3 + 2 edge + negated a literal.
class Toric4dSpace final : public Space {
  public:
    explicit Toric4dSpace(const Toric4dSpaceSpec& spec);  ///< std::invalid_argument on an unusable spec
    const Toric4dSpaceSpec& spec() const { return spec_; }
    std::size_t num_actions() const override { return 11; }
    std::size_t num_features() const override { return 21; }
    std::string action_name(std::size_t action) const override;
    std::unique_ptr<Builder> builder() const override;
    std::vector<std::size_t> toom_actions() const override;
    Symmetry symmetry() const override { return Symmetry::kTranslation; }
    static constexpr std::size_t kCorrection = 0, kStop = 1, kEnd = 2, kFirstLiteral = 3;
    static std::size_t literal_action(lec::Toric4dRule::Edge e, bool negated) {
        return kFirstLiteral + 2 * e + negated;
    }
    /// toric4d_rule_layers at the space's L, remembered by rule (episodes ask for the same few rules again and
    /// again; not thread-safe, like the builders).
    std::size_t layers(const lec::Toric4dRule& rule) const;

  private:
    Toric4dSpaceSpec spec_;
    mutable std::map<std::string, std::size_t> layers_;
};

class Toric4dBuilder final : public Builder {
  public:
    explicit Toric4dBuilder(const Toric4dSpace& space);
    const std::vector<std::uint8_t>& mask() const override { return mask_; }
    bool done() const override { return done_; }
    void apply(std::size_t action) override;
    void features(double* out) const override;
    bool has_rule() const override { return done_ && !rule_.corrections.empty(); }
    Rule rule() const override { return rule_; }
    std::size_t dead_ends() const override { return dead_ends_; }

  private:
    using Literals = std::vector<lec::Toric4dRule::Literal>;
    void update_mask();
    bool could_end(const Literals& l) const;
    /// Whether the literals `l` (later ones from later edges) can still make a correction within the bounds.
    bool completable(Literals& l) const;
    bool fits(const Literals& l) const;

    const Toric4dSpace& space_;
    lec::Toric4dRule rule_;
    std::vector<std::uint8_t> mask_;
    bool open_ = false, done_ = false, closed_ = false;
    Literals literals_;
    std::size_t depth_ = 0, dead_ends_ = 0;
};

}  // namespace qdes::search
