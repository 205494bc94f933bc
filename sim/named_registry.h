#pragma once
/// A process-wide table of factories by name, with a line of documentation each: the memory models
/// (hardware/accel/memory_models.h) and decoder models (protocols/qec/decoder_models.h) that stand in for built-in
/// ones. Filled at program start-up (and when a model library is loaded); read from any thread. Start-up code must
/// not throw, so it notes a fault, which the next `report_noted` throws.

#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace qdes {

template <class Factory>
class NamedRegistry {
  public:
    /// `what`: "memory model", "decoder model", for messages.
    explicit NamedRegistry(std::string what) : what_(std::move(what)) {}

    /// Throws std::invalid_argument for an empty name or a name taken.
    void add(const std::string& name, const std::string& doc, Factory factory) {
        if (name.empty()) throw std::invalid_argument("a " + what_ + " needs a name");
        std::lock_guard<std::mutex> lock(mutex_);
        if (!entries_.emplace(name, std::make_pair(doc, std::move(factory))).second)
            throw std::invalid_argument(what_ + " \"" + name + "\" is registered twice");
    }
    /// The names, sorted.
    std::vector<std::string> names() const {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::string> out;
        for (const auto& entry : entries_) out.push_back(entry.first);
        return out;
    }
    /// The factory of `name`, empty when there is none.
    Factory find(const std::string& name) const {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = entries_.find(name);
        return it == entries_.end() ? Factory() : it->second.second;
    }
    void note_error(const std::string& what) {
        std::lock_guard<std::mutex> lock(mutex_);
        errors_ += (errors_.empty() ? "" : "; ") + what;
    }
    /// Throws the noted faults, after `prefix`, as std::invalid_argument, and forgets them.
    void report_noted(const std::string& prefix) {
        std::string errors;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            errors.swap(errors_);
        }
        if (!errors.empty()) throw std::invalid_argument(prefix + errors);
    }

  private:
    std::string what_;
    mutable std::mutex mutex_;
    std::map<std::string, std::pair<std::string, Factory>> entries_;
    std::string errors_;
};

/// "a, b, c" (or "none").
inline std::string joined_names(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "none" : out;
}

}  // namespace qdes
