#pragma once
/// Errors in user input, each tied to where the user wrote it: `file:line:column: key.path: message`.

#include <string>
#include <string_view>
#include <vector>

namespace qdes {

/// Where a value came from: a place in a file, or a command-line override.
struct SourceLocation {
    std::string file;  ///< the scenario file, or "--set key=value" for an override
    int line = 0;      ///< 1-based; 0 when unknown (then line and column are not printed)
    int column = 0;    ///< 1-based
    std::string to_string() const;
};

struct Diagnostic {
    SourceLocation where;
    std::string key_path;  ///< "components.queue.capacity"; empty for whole-file problems
    std::string message;
    std::string to_string() const;
};

/// Collects every error of a pass, so that a user sees them all at once.
class Diagnostics {
  public:
    void error(SourceLocation where, std::string key_path, std::string message);
    bool empty() const { return list_.empty(); }
    std::size_t size() const { return list_.size(); }
    const std::vector<Diagnostic>& list() const { return list_; }
    /// One diagnostic per line.
    std::string to_string() const;

  private:
    std::vector<Diagnostic> list_;
};

/// The candidate closest to `word` by edit distance (insertions, deletions, substitutions, transpositions), if it
/// is close enough to be a likely misspelling; empty otherwise.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean \"x\"?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace qdes
