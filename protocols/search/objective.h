#pragma once
/// The objective of the circuit search: a rule's estimated memory lifetime at one (p, L), as log tau with its
/// likelihood-ratio interval (sim/lifetime.h), less a penalty per faulty operation per cell.
///
/// Common random numbers: every candidate is run with the same seed and stream and with layer-aligned noise
/// (quantum::FrameSimulator::set_layer_aligned_noise): each gate layer of each round draws from a stream keyed by
/// its place (batch, round, layer), so two rules that share a layer meet the same noise in it, and the noise both
/// meet cancels in their difference. (With one stream per run the draws of two different circuits fall out of
/// step at their first difference, and measured no variance reduction; see docs/search_format.md.) Evaluations are
/// cached by the rule's key (space.h: rule_key), and a batch of new rules is run on several threads; a rule's score
/// depends only on the rule and the evaluation settings, never on the thread or on the order of evaluation.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "models/quantum/noise.h"
#include "protocols/lec/batch.h"
#include "protocols/lec/rule.h"
#include "protocols/search/space.h"
#include "sim/lifetime.h"

namespace qdes::search {

/// What the lifetime is measured in: rounds, or gate layers (a round of a deeper rule takes longer; with a layer
/// duration this is the lifetime in seconds up to a constant).
enum class LifetimeUnit { kRounds, kLayers };

struct EvalSpec {
    std::uint32_t L = 4;
    quantum::NoiseModel noise{quantum::NoiseModel::Kind::kGateBitflip, 0.01, -1, 0};
    std::uint64_t shots = 512;
    std::uint64_t max_rounds = 2000;
    std::uint64_t seed = 1;
    std::uint64_t stream = 0;
    double gate_penalty = 0;  ///< subtracted from log tau per faulty operation per cell
    LifetimeUnit unit = LifetimeUnit::kRounds;
    double confidence = 0.95;
    /// Common random numbers: layer-aligned noise (lec::LecOptions::aligned_noise), so that candidates that share
    /// layers draw the same noise in them.
    bool common_random_numbers = true;
};

struct Score {
    LifetimeEstimate lifetime;  ///< in the spec's unit
    double log_tau = 0;         ///< log of tau, or of its lower bound when no shot failed
    double log_lower = 0, log_upper = 0;
    double gates = 0;        ///< per cell (2D) or plaquette (4D) per round (gates_per_cell)
    std::size_t layers = 0;  ///< per round
    double objective = 0;    ///< log_tau - gate_penalty x gates
    double seconds = 0;      ///< wall time of the evaluation
};

/// Runs the rule's lifetime study (lec::ToomBatch with a 2D rule's circuit, lec::Toric4dBatch with a 4D rule's)
/// and scores it.
Score evaluate_rule(const Rule& rule, const EvalSpec& spec);

/// Scores for many rules, cached by key, new ones run `threads` at a time.
class Evaluator {
  public:
    Evaluator(EvalSpec spec, Symmetry symmetry, unsigned threads);
    const EvalSpec& spec() const { return spec_; }
    std::string key(const Rule& rule) const { return rule_key(rule, symmetry_); }
    bool cached(const std::string& key) const { return cache_.count(key) != 0; }
    /// The scores of `rules`, in order; rules not in the cache are evaluated in parallel first.
    std::vector<Score> score(const std::vector<Rule>& rules);
    /// The same, with the rules' keys already known (key(rules[i]) for each i).
    std::vector<Score> score(const std::vector<Rule>& rules, const std::vector<std::string>& keys);
    std::size_t evaluations() const { return cache_.size(); }

  private:
    EvalSpec spec_;
    Symmetry symmetry_;
    unsigned threads_;
    std::map<std::string, Score> cache_;
};

/// Runs f(i) for i in [0, n) on `threads` threads (each index once; results are the caller's to place by index).
void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& f);

}  // namespace qdes::search
