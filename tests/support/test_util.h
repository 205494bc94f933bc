#pragma once
/// Helpers for tests: self-removing temporary folders, file reading and running the qdes binary.

#include <filesystem>
#include <string>

namespace qdes::testing {

/// A fresh temporary folder, removed with its contents when the object goes out of scope.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    /// Writes `text` to `name` inside the folder and returns its path.
    std::filesystem::path write(const std::string& name, const std::string& text) const;

  private:
    std::filesystem::path path_;
};

std::string read_text(const std::filesystem::path& path);

/// The source tree and the build tree of this build.
std::filesystem::path source_dir();
std::filesystem::path binary_dir();
/// A network fixture in tests/fixtures/nn (made by scripts/train_fixtures.py).
std::string nn_fixture(const std::string& name);

/// What a command printed and how it ended.
struct CommandResult {
    int exit_code = -1;
    std::string out;  ///< stdout
    std::string err;  ///< stderr
};

/// Runs a shell command line, capturing stdout and stderr separately.
CommandResult run_command(const std::string& command_line);

/// Runs the built `qdes` binary with the given arguments (a shell-quoted string).
CommandResult run_qdes(const std::string& arguments);

}  // namespace qdes::testing
