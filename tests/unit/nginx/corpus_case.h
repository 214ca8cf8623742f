// Test support: instantiates a corpus case (tests/fixtures/nginx/corpus/<case>) into a
// temporary directory the way corpus/harness/instantiate.sh does, places the validation
// file where the case's SOURCE.md says, and reads the recorded answers for the case.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "remediators/webserver/nginx/nginx_config.h"

namespace dcv::nginx::testing {

/// One row of observed-source-placement.tsv.
struct Observed {
  std::string url, family, status, location, body;
};

inline std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + to.size())) {
    s.replace(i, from.size(), to);
  }
}

/// "path:N" for the first line of the file at `path` containing `needle` (after the first
/// line containing `after`, if given), so that tests cite lines without hard-coding them.
inline std::string WhereIs(const std::string& path, const std::string& needle,
                           const std::string& after = "") {
  std::istringstream in(ReadAll(path));
  int n = 0;
  bool searching = after.empty();
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (searching && line.find(needle) != std::string::npos) {
      return path + ":" + std::to_string(n);
    }
    if (!searching && line.find(after) != std::string::npos) searching = true;
  }
  return path + ":?";
}

/// A corpus case copied to a fresh directory with its placeholders filled.
class CorpusCase {
 public:
  explicit CorpusCase(const std::string& name) : name_(name) {
    namespace fs = std::filesystem;
    fs::path src = fs::path(DCV_FIXTURES) / "nginx" / "corpus" / name;
    run_ = fs::temp_directory_path() / ("nginx-corpus-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(run_);
    fs::create_directories(run_ / "www");
    for (const auto& e : fs::recursive_directory_iterator(src)) {
      fs::path dst = run_ / fs::relative(e.path(), src);
      if (e.is_directory()) {
        fs::create_directories(dst);
        continue;
      }
      std::string text = ReadAll(e.path());
      ReplaceAll(text, "__ROOT__", (run_ / "www").string());
      ReplaceAll(text, "__CERT__", "/nonexistent/test.crt");
      ReplaceAll(text, "__KEY__", "/nonexistent/test.key");
      ReplaceAll(text, "__UPSTREAM_PORT2__", "18081");
      ReplaceAll(text, "__UPSTREAM_PORT__", "18080");
      std::ofstream(dst, std::ios::binary) << text;
    }
  }
  ~CorpusCase() { std::filesystem::remove_all(run_); }

  std::string dir() const { return run_.string(); }
  std::string conf() const { return (run_ / "nginx.conf").string(); }

  /// Creates the validation file where SOURCE.md places it; returns its path.
  std::vector<std::string> PlaceValidationFile(const std::string& content) const {
    std::istringstream md(ReadAll(run_ / "SOURCE.md"));
    std::vector<std::string> placed;
    bool in_section = false;
    for (std::string line; std::getline(md, line);) {
      if (line.rfind("## ", 0) == 0) in_section = line.find("placement") != std::string::npos;
      if (!in_section || line.rfind("- `", 0) != 0) continue;
      std::string rel = line.substr(3, line.find_first_of("` ", 3) - 3);
      std::filesystem::path p = run_ / rel;
      std::filesystem::create_directories(p.parent_path());
      std::ofstream(p) << content;
      placed.push_back(p.string());
    }
    return placed;
  }

  /// The recorded answers for the validation URL of this case.
  std::vector<Observed> ObservedValidationRows() const { return ObservedRows(true); }

  /// Every recorded answer of this case (only the validation URL's when asked).
  std::vector<Observed> ObservedRows(bool validation_only = false) const {
    std::istringstream tsv(ReadAll(std::filesystem::path(DCV_FIXTURES) / "nginx" / "corpus" /
                                   "observed-source-placement.tsv"));
    std::vector<Observed> rows;
    for (std::string line; std::getline(tsv, line);) {
      std::vector<std::string> f;
      std::istringstream cells(line);
      for (std::string c; std::getline(cells, c, '\t');) f.push_back(c);
      if (f.size() < 6 || f[0] != "nginx/" + name_) continue;
      if (validation_only && f[1].find("/.well-known/pki-validation/") == std::string::npos) continue;
      rows.push_back({f[1], f[2], f[3], f[4], f[5]});
    }
    return rows;
  }

  /// An index.html in every document root inside the case, as the oracle placed them before
  /// recording: each `root` (variables from `set` substituted) and the default <prefix>html.
  void PlaceIndexFiles(const Config& config) const {
    std::vector<const Directive*> all;
    std::vector<const std::vector<Directive>*> todo{&config.root};
    while (!todo.empty()) {
      const std::vector<Directive>* list = todo.back();
      todo.pop_back();
      for (const Directive& d : *list) {
        all.push_back(&d);
        todo.push_back(&d.children);
      }
    }
    std::vector<std::string> roots{"html"};
    for (const Directive* d : all) {
      if (d->name == "root" && !d->args.empty()) roots.push_back(d->args[0]);
    }
    for (std::string root : roots) {
      for (const Directive* d : all) {
        if (d->name == "set" && d->args.size() == 2) ReplaceAll(root, d->args[0], d->args[1]);
      }
      if (root.find('$') != std::string::npos) continue;
      std::filesystem::path path = (root[0] == '/' ? root : config.prefix + root);
      path = path.lexically_normal();
      if (path.string().rfind(run_.string() + "/", 0) != 0) continue;
      std::filesystem::create_directories(path);
      if (!std::filesystem::exists(path / "index.html")) std::ofstream(path / "index.html") << "oracle-index-page\n";
    }
  }

 private:
  std::string name_;
  std::filesystem::path run_;
};

}  // namespace dcv::nginx::testing
