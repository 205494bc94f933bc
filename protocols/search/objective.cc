#include "protocols/search/objective.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "protocols/lec/toom.h"
#include "protocols/lec/toric4d.h"

namespace qdes::search {

Score evaluate_rule(const Rule& rule, const EvalSpec& spec) {
    const auto t0 = std::chrono::steady_clock::now();
    lec::LecOptions o;
    o.L = spec.L;
    o.shots = spec.shots;
    o.max_rounds = spec.max_rounds;
    o.seed = spec.seed;
    o.stream = spec.stream;
    o.aligned_noise = spec.common_random_numbers;
    lec::check_options(o);
    Score s;
    s.layers = round_layers(rule, spec.L);
    s.gates = gates_per_cell(rule);
    FailureTimes times;
    if (const auto* r = std::get_if<lec::LecRule>(&rule)) {
        times = lec::toom_lifetimes(lec::ToomRule::kCircuit, o, spec.noise, r);
    } else {
        lec::Toric4dBatch batch(o, spec.noise, {}, &std::get<lec::Toric4dRule>(rule));
        times = lec::run_lifetimes(batch, o);
    }
    if (spec.unit == LifetimeUnit::kLayers)
        for (double& t : times.times) t *= double(s.layers);
    s.lifetime = exponential_lifetime(times, spec.confidence);
    s.log_lower = std::log(s.lifetime.lower);
    s.log_upper = std::log(s.lifetime.upper);
    s.log_tau = s.lifetime.failures ? std::log(s.lifetime.tau) : s.log_lower;
    s.objective = s.log_tau - spec.gate_penalty * double(s.gates);
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return s;
}

void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& f) {
    if (threads <= 1 || n <= 1) {
        for (std::size_t i = 0; i < n; ++i) f(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&] {
        for (std::size_t i; (i = next++) < n;) {
            try {
                f(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!error) error = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < std::min<std::size_t>(threads, n); ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

Evaluator::Evaluator(EvalSpec spec, Symmetry symmetry, unsigned threads)
    : spec_(std::move(spec)), symmetry_(symmetry), threads_(std::max(1u, threads)) {}

std::vector<Score> Evaluator::score(const std::vector<Rule>& rules) {
    std::vector<std::string> keys;
    for (const Rule& r : rules) keys.push_back(key(r));
    return score(rules, keys);
}

std::vector<Score> Evaluator::score(const std::vector<Rule>& rules, const std::vector<std::string>& keys) {
    if (keys.size() != rules.size()) throw std::invalid_argument("Evaluator::score: one key per rule");
    std::vector<std::size_t> todo;  // the first rule of each new key
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < rules.size(); ++i)
        if (!cached(keys[i]) && first.emplace(keys[i], i).second) todo.push_back(i);
    std::vector<Score> fresh(todo.size());
    parallel_for(todo.size(), threads_, [&](std::size_t j) { fresh[j] = evaluate_rule(rules[todo[j]], spec_); });
    for (std::size_t j = 0; j < todo.size(); ++j) cache_.emplace(keys[todo[j]], fresh[j]);
    std::vector<Score> out;
    for (const std::string& k : keys) out.push_back(cache_.at(k));
    return out;
}

}  // namespace qdes::search
