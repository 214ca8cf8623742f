// Parses `ufw status verbose` / `ufw status numbered`. ufw prints a fixed-width table, but
// long cells overflow their column (`80/tcp (v6) on eth0 ALLOW IN ...`), so rows are split
// into words around the action word (ALLOW/DENY/REJECT/LIMIT) instead of by column. The To
// and From cells are read word by word: "Anywhere", an address, a port list with its
// protocol ("80,443/tcp", "8080:8090/tcp"), "(v6)", "on IFACE", or an application name —
// which `status verbose` prints as its ports followed by "(Nginx Full)".
#include "remediators/firewall/ufw/ufw_status.h"

#include <regex>
#include <sstream>

namespace dcv {
namespace {

std::vector<std::string> Words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

bool IsAction(const std::string& w) {
  return w == "ALLOW" || w == "DENY" || w == "REJECT" || w == "LIMIT";
}

bool IsDirection(const std::string& w) { return w == "IN" || w == "OUT" || w == "FWD"; }

// "80", "80,443/tcp", "8080:8090/udp", "22,80:90"; sets ports and protocol.
bool ParsePortSpec(const std::string& word, UfwRule& rule) {
  static const std::regex kSpec(R"(^(\d+(?::\d+)?(?:,\d+(?::\d+)?)*)?(?:/([a-z0-9]+))?$)");
  std::smatch m;
  if (word.empty() || !std::regex_match(word, m, kSpec)) return false;
  if (!m[1].matched && !m[2].matched) return false;
  if (m[2].matched) rule.protocol = m[2].str();
  std::istringstream list(m[1].str());
  for (std::string item; std::getline(list, item, ',');) {
    const auto colon = item.find(':');
    UfwPortRange r;
    r.first = std::stoi(item.substr(0, colon));
    r.last = colon == std::string::npos ? r.first : std::stoi(item.substr(colon + 1));
    rule.ports.push_back(r);
  }
  return true;
}

bool LooksLikeAddress(const std::string& w) {
  static const std::regex kAddr(R"(^[0-9A-Fa-f:.]+(/\d+)?$)");
  return (w.find('.') != std::string::npos || w.find(':') != std::string::npos) &&
         std::regex_match(w, kAddr);
}

// Reads "(Nginx Full)" or "(Nginx Full (v6))" starting at words[i], the application
// profile `status verbose` prints after the profile's ports; returns the index of its last word.
size_t ReadAppAnnotation(const std::vector<std::string>& words, size_t i, UfwRule& rule) {
  std::string name;
  int depth = 0;
  for (; i < words.size(); ++i) {
    for (char c : words[i]) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    std::string w = words[i];
    if (w == "(v6))" || w == "(v6)") {
      rule.ip_version = 6;
    } else {
      if (!w.empty() && w.front() == '(' && name.empty()) w.erase(0, 1);
      if (depth <= 0 && !w.empty() && w.back() == ')') w.pop_back();
      name += (name.empty() ? "" : " ") + w;
    }
    if (depth <= 0) break;
  }
  rule.app = name;
  return i;
}

// Reads the To cell (destination side) into `rule`.
void ReadTo(const std::vector<std::string>& words, UfwRule& rule) {
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() > 1 && w.front() == '(' && w != "(v6)" && !rule.ports.empty()) {
      i = ReadAppAnnotation(words, i, rule);
    } else if (w == "(v6)") {
      rule.ip_version = 6;
    } else if (w == "on" && i + 1 < words.size()) {
      rule.iface = words[++i];
    } else if (w == "Anywhere") {
    } else if (w.rfind("Anywhere/", 0) == 0) {
      rule.protocol = w.substr(9);
    } else if (LooksLikeAddress(w)) {
      rule.destination = w;
      if (w.find(':') != std::string::npos) rule.ip_version = 6;
    } else if (ParsePortSpec(w, rule)) {
    } else {
      rule.app += (rule.app.empty() ? "" : " ") + w;
    }
  }
}

// Reads the From cell (source side) into `rule`.
void ReadFrom(const std::vector<std::string>& words, UfwRule& rule) {
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "(v6)") {
      rule.ip_version = 6;
    } else if (w == "on" && i + 1 < words.size()) {
      if (rule.iface.empty()) rule.iface = words[++i];
    } else if (w == "Anywhere" || w == "(out)" || w == "(fwd)" || w == "(log)" || w == "(log-all)") {
    } else if (LooksLikeAddress(w)) {
      rule.source = w;
      if (w.find(':') != std::string::npos) rule.ip_version = 6;
    } else {
      rule.source_port = true;  // a source port spec or an application profile
    }
  }
}

}  // namespace

bool UfwRule::CoversTcpPort(int port) const {
  if (!app.empty() && ports.empty()) return false;  // a profile whose ports were not printed
  if (!protocol.empty() && protocol != "tcp") return false;
  if (ports.empty()) return true;
  for (const auto& r : ports) {
    if (port >= r.first && port <= r.last) return true;
  }
  return false;
}

bool UfwRule::IsPlainTcpPort(int port) const {
  return protocol == "tcp" && ports.size() == 1 && ports[0].first == port &&
         ports[0].last == port && destination.empty() && app.empty() && iface.empty() &&
         source.empty() && !source_port;
}

std::optional<UfwRule> ParseUfwRuleRow(std::string_view row) {
  UfwRule rule;
  static const std::regex kNumber(R"(^\s*\[\s*(\d+)\]\s*)");
  std::string line(row);
  std::smatch m;
  if (std::regex_search(line, m, kNumber)) {
    rule.number = std::stoi(m[1].str());
    line = m.suffix().str();
  }
  std::vector<std::string> words = Words(line);
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "#") {  // a rule comment ends the row
      for (size_t c = i + 1; c < words.size(); ++c) rule.comment += (c == i + 1 ? "" : " ") + words[c];
      words.resize(i);
      break;
    }
  }
  size_t a = 0;
  while (a < words.size() && !IsAction(words[a])) ++a;
  if (a == 0 || a == words.size()) return std::nullopt;
  rule.action = words[a];
  size_t from = a + 1;
  rule.direction = "IN";
  if (from < words.size() && IsDirection(words[from])) rule.direction = words[from++];
  for (size_t i = 0; i < words.size(); ++i) rule.text += (i == 0 ? "" : " ") + words[i];
  ReadTo({words.begin(), words.begin() + static_cast<long>(a)}, rule);
  ReadFrom({words.begin() + static_cast<long>(from), words.end()}, rule);
  return rule;
}

Result<UfwStatus> ParseUfwStatus(std::string_view text) {
  UfwStatus status;
  std::istringstream in{std::string(text)};
  bool saw_status = false;
  bool in_table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Status: ", 0) == 0) {
      saw_status = true;
      status.active = line.substr(8).rfind("active", 0) == 0;
    } else if (line.rfind("Default: ", 0) == 0) {
      static const std::regex kIncoming(R"((\w+) \(incoming\))");
      std::smatch m;
      if (std::regex_search(line, m, kIncoming)) status.default_incoming = m[1].str();
    } else if (line.find("--") != std::string::npos && line.find_first_not_of(" -") == std::string::npos) {
      in_table = true;  // the dashes under "To Action From"
    } else if (in_table) {
      if (auto rule = ParseUfwRuleRow(line)) status.rules.push_back(std::move(*rule));
    }
  }
  if (!saw_status) return MakeError("not ufw status output (no \"Status:\" line)");
  return status;
}

}  // namespace dcv
