// Tracing lighttpd settings back to their text, and the files a graceful restart re-reads.
// LocateSetting walks the main file and the files its `include "glob"` lines expand to
// (relative globs against the including file's directory, as lighttpd does; include_shell
// output has no file to cite and is skipped), and finds the conditional by its header with
// all white space removed, then the first line inside it (by brace depth) that assigns the
// setting. It is evidence for a human, so a miss returns "" and the caller keeps the
// setting's description instead of guessing a line.
#include "remediators/webserver/lighttpd/lighttpd_source.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

namespace dcv::lighttpd {
namespace {

std::string WithoutSpace(const std::string& s) {
  std::string out;
  std::copy_if(s.begin(), s.end(), std::back_inserter(out), [](unsigned char c) { return !std::isspace(c); });
  return out;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The glob of an `include "..."` line, resolved against the including file's directory.
std::string IncludeGlob(const std::string& line, const std::string& from) {
  std::string t = WithoutSpace(line);
  if (t.rfind("include\"", 0) != 0) return "";
  size_t end = t.find('"', 8);
  if (end == std::string::npos) return "";
  std::string pattern = t.substr(8, end - 8);
  if (!pattern.empty() && pattern[0] != '/') pattern = (std::filesystem::path(from).parent_path() / pattern).string();
  return pattern;
}

void CollectFiles(const std::string& path, std::vector<std::string>& out, std::set<std::string>& seen) {
  if (!seen.insert(path).second || seen.size() > 1000) return;  // include loops, runaway globs
  out.push_back(path);
  for (const std::string& line : Lines(path)) {
    std::string pattern = IncludeGlob(line, path);
    if (pattern.empty()) continue;
    glob_t g{};
    if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) CollectFiles(g.gl_pathv[i], out, seen);
    }
    globfree(&g);
  }
}

bool Assigns(const std::string& line, const std::string& setting) {
  std::string t = WithoutSpace(line);
  return t.rfind(setting, 0) == 0 &&
         (t.compare(setting.size(), 1, "=") == 0 || t.compare(setting.size(), 2, "+=") == 0 ||
          t.compare(setting.size(), 2, ":=") == 0);
}

// The line (1-based) in `lines` that assigns `setting` inside `condition`, or 0.
size_t FindIn(const std::vector<std::string>& lines, const std::string& setting, const std::string& condition) {
  const std::string header = WithoutSpace(condition);
  int depth = 0, inside_at = condition.empty() ? 0 : -1;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string t = WithoutSpace(lines[i]);
    if (t.empty() || t[0] == '#') continue;
    if (inside_at < 0 && !header.empty() && t.rfind(header, 0) == 0) inside_at = depth + 1;
    if (depth == inside_at && Assigns(lines[i], setting)) return i + 1;
    depth += static_cast<int>(std::count(t.begin(), t.end(), '{') - std::count(t.begin(), t.end(), '}'));
    if (inside_at > 0 && depth < inside_at && !condition.empty()) inside_at = -1;
  }
  return 0;
}

void CollectSsl(const Block& block, std::vector<std::string>& out) {
  static const std::set<std::string> kFileSettings = {"ssl.pemfile", "ssl.privkey", "ssl.ca-file",
                                                      "ssl.ca-dn-file", "ssl.ca-crl-file", "ssl.dh-file",
                                                      "ssl.verifyclient.ca-file"};
  for (const Item& item : block.items) {
    if (kFileSettings.count(item.key) && !item.value.text.empty() &&
        std::find(out.begin(), out.end(), item.value.text) == out.end())
      out.push_back(item.value.text);
    for (const Block& inner : item.block) CollectSsl(inner, out);
  }
}

}  // namespace

std::string LocateSetting(const std::string& main_path, const std::string& setting,
                          const std::string& condition) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  CollectFiles(main_path, files, seen);
  for (const std::string& file : files) {
    if (size_t line = FindIn(Lines(file), setting, condition)) return file + ":" + std::to_string(line);
  }
  return "";
}

std::vector<std::string> FilesReadOnRestart(const Block& root) {
  std::vector<std::string> files;
  CollectSsl(root, files);
  return files;
}

std::string ServerUser(const Block& root) {
  for (const Item& item : root.items) {
    if (item.key == "server.username") return item.value.text;
  }
  return "";
}

}  // namespace dcv::lighttpd
