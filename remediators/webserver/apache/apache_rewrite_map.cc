// RewriteMap lookups as mod_rewrite does them for the maps a host can hold in plain text:
// `txt:` (a "key value" per line, `#` comments, the first value of the first matching key),
// `rnd:` (the same, values separated by `|`: known only when there is one), and the
// internal functions `int:toupper`, `tolower`, `escape`, `unescape`. `prg:` (a running
// program), `dbm:`, `dbd:`/`fastdbd:` (databases) cannot be read from the configuration,
// so a prediction that depends on them is unknown rather than guessed.
#include <cctype>
#include <fstream>
#include <sstream>

#include "remediators/webserver/apache/apache_rewrite.h"

namespace dcv::apache {
namespace {

std::optional<std::string> FromTextFile(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line.substr(0, line.find('#')));
    std::string k, v;
    if (words >> k >> v && k == key) return v;
  }
  return std::string();
}

std::string Escape(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> LookUpRewriteMap(const RewriteMapDef& map, const std::string& key) {
  if (map.type == "txt") return FromTextFile(map.source, key);
  if (map.type == "rnd") {
    std::optional<std::string> values = FromTextFile(map.source, key);
    if (!values || values->find('|') != std::string::npos) return std::nullopt;
    return values;
  }
  if (map.type == "int") {
    std::string out = key;
    if (map.source == "toupper" || map.source == "tolower") {
      for (char& c : out) c = static_cast<char>(map.source == "toupper" ? std::toupper(c) : std::tolower(c));
      return out;
    }
    if (map.source == "escape") return Escape(key);
    if (map.source == "unescape") return Unescape(key);
  }
  return std::nullopt;
}

}  // namespace dcv::apache
