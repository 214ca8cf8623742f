// Reading Apache configuration text fast, for trees of thousands of vhosts: each path
// stat'ed and read at most once per load (DiskCache; the same SSL snippet is included by
// every TLS vhost), logical lines as views into the file's text instead of copies, and
// arguments split with one exactly-sized allocation per directive. The rules are httpd's
// (backslash continuations, ap_getword_conf quoting); apache_config.cc builds the directive
// tree from these pieces.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dcv::apache::config_text {

/// tolower(3) in the C locale (the agent never sets another), without the call.
inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

/// find_first_of / find_first_not_of for the blank set " \t" (and '>' when asked), as a
/// plain loop: the library versions call memchr on the set for every character.
inline size_t FindBlank(std::string_view s, size_t from, bool or_gt = false) {
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == ' ' || s[i] == '\t' || (or_gt && s[i] == '>')) return i;
  }
  return std::string_view::npos;
}
inline size_t FindNonBlank(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != ' ' && s[i] != '\t') return i;
  }
  return std::string_view::npos;
}

/// One logical line: the text (continuations joined) and where it started.
struct Line {
  std::string_view text;  // into the file's text, or into Lines::joined when continued
  uint32_t number = 0;
  uint32_t offset = 0;
  uint32_t next_offset = 0;  // offset of the line after it
};

/// A file's logical lines; `text` must outlive them.
struct Lines {
  std::vector<Line> lines;
  std::list<std::string> joined;  // continued lines (stable addresses; nothing allocated when none)
};

/// The logical lines of `text` (which must outlive them), with file line numbers and offsets.
Lines LogicalLines(const std::string& text);

/// Splits arguments like ap_getword_conf (and mod_rewrite's parseargline for "\ ").
std::vector<std::string> SplitWords(std::string_view s);

/// The file system as one load sees it: stat and read results per path, each taken once.
class DiskCache {
 public:
  struct Entry {
    bool statted = false, exists = false, directory = false;
    bool read = false, readable = false;  // opened (ifstream semantics: a directory opens)
    std::string text;                     // until the reader moves it into a SourceFile
    int64_t file = -1;                    // index of the Config::files entry holding the text
  };

  /// stat(2) of `path` (following links), as std::filesystem::exists / is_directory see it.
  Entry& Stat(const std::string& path);
  /// Opens and reads `path` once (open, fstat, read, close); also answers Stat.
  Entry& Read(const std::string& path);

 private:
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace dcv::apache::config_text
