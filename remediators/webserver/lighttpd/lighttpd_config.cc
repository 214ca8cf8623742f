// Reading `lighttpd -p` output and merging it for a request. The dump prints one setting
// per line (lists over several lines, up to the closing parenthesis), conditionals as
// `$HTTP["host"] == "x" {` ... `} # end of ...`. Conditions on socket, scheme, host and
// url are evaluated with lighttpd's operators (==, !=, =~, !~ as ECMAScript regexes,
// which agree with PCRE on the patterns seen in practice, =^ prefix, =$ suffix); others
// (remote-ip, user agent...) are recorded as unsupported and taken as not matching.
#include "remediators/webserver/lighttpd/lighttpd_config.h"

#include <regex>
#include <sstream>

namespace dcv::lighttpd {
namespace {

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t,");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::vector<std::string> Quoted(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '"') continue;
    std::string q;
    for (++i; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) ++i;
      q += s[i];
    }
    out.push_back(q);
  }
  return out;
}

Value ParseValue(const std::string& raw) {
  Value v;
  std::string t = Trim(raw);
  if (t.empty() || t[0] != '(') {
    std::vector<std::string> q = Quoted(t);
    v.text = q.empty() ? t : q.front();
    return v;
  }
  v.list = true;
  std::vector<std::string> q = Quoted(t);
  bool pairs = t.find("=>") != std::string::npos;
  for (size_t i = 0; i < q.size(); i += pairs ? 2 : 1) {
    v.pairs.emplace_back(q[i], pairs && i + 1 < q.size() ? q[i + 1] : "");
  }
  return v;
}

Block ParseHeader(const std::string& line) {
  Block b;
  std::string h = Trim(line.substr(0, line.rfind('{')));
  if (h.rfind("else", 0) == 0) {
    b.is_else = true;
    h = Trim(h.substr(4));
  }
  b.header = h;
  size_t bracket = h.find('[');
  b.field = h.substr(1, bracket == std::string::npos ? 0 : bracket - 1);
  std::vector<std::string> q = Quoted(h);
  if (q.size() >= 2) {
    b.name = q[0];
    b.pattern = q[1];
  }
  size_t close = h.find(']');
  if (close != std::string::npos) b.op = Trim(h.substr(close + 1, h.find('"', close) - close - 1));
  return b;
}

int Depth(const std::string& s) {
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\')
      ++i;
    else if (s[i] == '"')
      quoted = !quoted;
    else if (!quoted && s[i] == '(')
      ++depth;
    else if (!quoted && s[i] == ')')
      --depth;
  }
  return depth;
}

void ParseInto(std::istream& in, Block& block) {
  for (std::string line; std::getline(in, line);) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t[0] == '}') return;
    if (t.back() == '{') {
      Item item;
      item.block.push_back(ParseHeader(t));
      ParseInto(in, item.block.back());
      block.items.push_back(std::move(item));
      continue;
    }
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string value = t.substr(eq + 1);
    for (std::string more; Depth(value) > 0 && std::getline(in, more);) value += "\n" + more;
    block.items.push_back(Item{Trim(t.substr(0, eq)), ParseValue(value), {}});
  }
}

int PortOf(const std::string& socket) {
  size_t colon = socket.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(socket.c_str() + colon + 1);
}

bool Matches(const Block& b, const Request& r, Effective& out) {
  std::string subject;
  if (b.field == "SERVER" && b.name == "socket") {
    bool same = PortOf(b.pattern) == r.port;
    return b.op == "==" ? same : b.op == "!=" ? !same : false;
  }
  if (b.field == "HTTP" && b.name == "scheme")
    subject = r.https ? "https" : "http";
  else if (b.field == "HTTP" && b.name == "host")
    subject = r.host;
  else if (b.field == "HTTP" && b.name == "url")
    subject = r.path;
  else {
    out.unsupported.push_back(b.header);
    return false;
  }
  if (b.op == "==") return subject == b.pattern;
  if (b.op == "!=") return subject != b.pattern;
  if (b.op == "=^") return subject.rfind(b.pattern, 0) == 0;
  if (b.op == "=$") return subject.ends_with(b.pattern);
  std::smatch m;
  bool found = std::regex_search(subject, m, std::regex(b.pattern));
  if (found && b.op == "=~") {
    out.captures.clear();
    for (const auto& sub : m) out.captures.push_back(sub.str());
  }
  return b.op == "=~" ? found : !found;
}

void Merge(const Block& block, const Request& r, const std::string& where, Effective& out) {
  bool previous_matched = false;
  for (const Item& item : block.items) {
    if (item.block.empty()) {
      out.settings[item.key] = item.value;
      out.origin[item.key] = where;
      continue;
    }
    const Block& b = item.block.front();
    if (b.is_else && previous_matched) continue;
    previous_matched = Matches(b, r, out);
    if (previous_matched) Merge(b, r, b.header, out);
  }
}

void CollectPorts(const Block& block, std::vector<int>& ports) {
  for (const Item& item : block.items) {
    if (item.block.empty()) continue;
    const Block& b = item.block.front();
    if (b.field == "SERVER" && b.name == "socket" && b.op == "==") ports.push_back(PortOf(b.pattern));
    CollectPorts(b, ports);
  }
}

}  // namespace

Block ParseDump(const std::string& text) {
  std::istringstream in(text);
  Block root;
  for (std::string line; std::getline(in, line);) {
    if (Trim(line) == "config {") break;
  }
  ParseInto(in, root);
  return root;
}

Effective Evaluate(const Block& root, const Request& request) {
  Effective out;
  Merge(root, request, "", out);
  return out;
}

std::vector<int> ListenPorts(const Block& root) {
  std::vector<int> ports;
  int base = 80;
  for (const Item& item : root.items) {
    if (item.key == "server.port") base = std::atoi(item.value.text.c_str());
  }
  ports.push_back(base);
  CollectPorts(root, ports);
  return ports;
}

}  // namespace dcv::lighttpd
