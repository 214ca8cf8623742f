// Reading Apache configuration text (see apache_config_text.h): logical lines, words,
// and the per-load cache of stat and read results, with as few allocations and system
// calls as the rules allow.
#include "remediators/webserver/apache/apache_config_text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace dcv::apache::config_text {

Lines LogicalLines(const std::string& text) {
  Lines out;
  out.lines.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  size_t pos = 0;
  uint32_t number = 0;
  while (pos < text.size()) {
    Line line{{}, number + 1, static_cast<uint32_t>(pos), 0};
    std::string* joined = nullptr;
    bool more = true;
    while (more && pos < text.size()) {
      size_t eol = text.find('\n', pos);
      size_t end = eol == std::string::npos ? text.size() : eol;
      std::string_view part(text.data() + pos, end - pos);
      ++number;
      pos = eol == std::string::npos ? text.size() : eol + 1;
      while (!part.empty() && (part.back() == '\r' || part.back() == ' ' || part.back() == '\t')) {
        part.remove_suffix(1);
      }
      more = !part.empty() && part.back() == '\\';
      if (more) part.remove_suffix(1);
      if (joined == nullptr && !more) {
        line.text = part;  // a whole line: no copy
      } else {
        if (joined == nullptr) joined = &out.joined.emplace_back();
        joined->append(part);
        line.text = *joined;
      }
    }
    line.next_offset = static_cast<uint32_t>(pos);
    out.lines.push_back(line);
  }
  return out;
}

/// Splits arguments like ap_getword_conf (and mod_rewrite's parseargline for "\ ").
/// The words are gathered in a reused scratch list and returned in a vector of exactly
/// their number; a word without backslashes is copied in one piece.
std::vector<std::string> SplitWords(std::string_view s) {
  static thread_local std::vector<std::string> words;
  words.clear();
  size_t i = 0;
  while (true) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size()) break;
    std::string word;
    bool quoted = s[i] == '"' || s[i] == '\'';
    size_t end = quoted ? s.find(s[i], i + 1) : FindBlank(s, i);
    size_t stop = std::min(end, s.size());
    if (s.substr(i, stop - i).find('\\') == std::string_view::npos) {
      size_t from = quoted ? i + 1 : i;
      word.assign(s.substr(from, stop - from));
      i = quoted ? stop + 1 : stop;
    } else if (quoted) {
      char quote = s[i++];
      while (i < s.size() && s[i] != quote) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == quote) ++i;
        word += s[i++];
      }
      ++i;
    } else {
      while (i < s.size() && s[i] != ' ' && s[i] != '\t') {
        // mod_rewrite's parser keeps "\ " inside a word (an escaped space in a pattern)
        if (s[i] == '\\' && i + 1 < s.size()) word += s[i++];
        word += s[i++];
      }
    }
    words.push_back(std::move(word));
  }
  return std::vector<std::string>(std::make_move_iterator(words.begin()),
                                  std::make_move_iterator(words.end()));
}

DiskCache::Entry& DiskCache::Stat(const std::string& path) {
  Entry& e = entries_[path];
  if (!e.statted) {
    struct stat st{};
    e.statted = true;
    e.exists = ::stat(path.c_str(), &st) == 0;
    e.directory = e.exists && S_ISDIR(st.st_mode);
  }
  return e;
}

DiskCache::Entry& DiskCache::Read(const std::string& path) {
  Entry& e = entries_[path];
  if (e.read) return e;
  e.read = true;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Stat(path);  // e.g. a directory without read permission still is one
    return e;
  }
  struct stat st{};
  bool regular = false;
  if (::fstat(fd, &st) == 0) {
    e.statted = e.exists = true;
    e.directory = S_ISDIR(st.st_mode);
    regular = S_ISREG(st.st_mode);
  }
  e.readable = true;
  if (!e.directory) {
    char buffer[65536];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
      e.text.append(buffer, static_cast<size_t>(n));
      if (regular && static_cast<size_t>(n) < sizeof buffer) break;  // a short read of a file: its end
    }
  }
  ::close(fd);
  return e;
}

}  // namespace dcv::apache::config_text
