#include "tests/support/test_util.h"

#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace qdes::testing {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "qdes-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& text) const {
    std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::filesystem::path source_dir() {
    return QDES_SOURCE_DIR;
}
std::filesystem::path binary_dir() {
    return QDES_BINARY_DIR;
}

std::string nn_fixture(const std::string& name) {
    return (source_dir() / "tests" / "fixtures" / "nn" / name).string();
}

CommandResult run_command(const std::string& command_line) {
    TempDir tmp;
    std::string out_file = (tmp.path() / "out").string(), err_file = (tmp.path() / "err").string();
    std::string full = command_line + " >" + out_file + " 2>" + err_file + " </dev/null";
    int status = std::system(full.c_str());
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_text(out_file);
    r.err = read_text(err_file);
    return r;
}

CommandResult run_qdes(const std::string& arguments) {
    return run_command((binary_dir() / "bin" / "qdes").string() + " " + arguments);
}

}  // namespace qdes::testing
