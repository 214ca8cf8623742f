// OS identity from os-release(5): KEY=value lines whose values may be quoted with shell
// quoting rules (we handle the subset the specification allows: double and single
// quotes, and backslash escapes inside double quotes). No shell ever reads the file.
#include "platform/os_release.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace dcv {
namespace {

std::string Unquote(const std::string& raw) {
  if (raw.size() >= 2 && raw.front() == '\'' && raw.back() == '\'') {
    return raw.substr(1, raw.size() - 2);
  }
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
    std::string out;
    for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 2 < raw.size()) ++i;
      out += raw[i];
    }
    return out;
  }
  return raw;
}

}  // namespace

bool OsRelease::IsLike(const std::string& family) const {
  return id == family || std::find(id_like.begin(), id_like.end(), family) != id_like.end();
}

OsRelease ParseOsRelease(const std::string& text) {
  OsRelease os;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    const std::string value = Unquote(line.substr(eq + 1));
    if (key == "ID") os.id = value;
    else if (key == "VERSION_ID") os.version_id = value;
    else if (key == "PRETTY_NAME") os.pretty_name = value;
    else if (key == "ID_LIKE") {
      std::istringstream words(value);
      std::string word;
      while (words >> word) os.id_like.push_back(word);
    }
  }
  return os;
}

OsRelease ReadOsRelease() {
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    std::ifstream in(path);
    if (!in) continue;
    std::stringstream buffer;
    buffer << in.rdbuf();
    return ParseOsRelease(buffer.str());
  }
  return OsRelease{};
}

}  // namespace dcv
