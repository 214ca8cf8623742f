// Scanning and editing a Caddyfile's text. Caddy's lexer makes `{` a block opener only as
// a word of its own at the end of a line and `}` a closer only as a word of its own;
// placeholders such as {uri} sit inside words and do not count. A top-level block whose
// first address starts with `(` is a snippet; one without addresses is the global
// options. Addresses may run over lines ending with a comma. The edits are whole marked
// lines, so that cleanup can remove exactly what was added.
#include "remediators/webserver/caddy/caddyfile_text.h"

#include <sstream>

namespace dcv::caddy {
namespace {

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) {
    if (w[0] == '#') break;
    words.push_back(w);
  }
  return words;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string Indent(const Caddyfile& file, const SiteBlock& site) {
  for (int n = site.open_line; n < site.close_line - 1; ++n) {
    const std::string& line = file.lines[n];
    if (Words(line).empty()) continue;
    return line.substr(0, line.find_first_not_of(" \t"));
  }
  return "\t";
}

std::string HandleBlock(const std::string& indent, const std::string& url_path, const std::string& webroot) {
  return indent + "handle " + url_path + " {\n" + indent + "\troot * " + webroot + "\n" + indent +
         "\tfile_server\n" + indent + "}\n";
}

}  // namespace

SiteAddress ParseSiteAddress(const std::string& raw) {
  SiteAddress a;
  std::string rest = raw;
  if (size_t s = rest.find("://"); s != std::string::npos) {
    a.scheme = rest.substr(0, s);
    rest = rest.substr(s + 3);
  }
  rest = rest.substr(0, rest.find('/'));
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']') == std::string::npos) {
    a.port = std::atoi(rest.substr(colon + 1).c_str());
    rest = rest.substr(0, colon);
  }
  for (char& c : rest) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  a.host = rest;
  return a;
}

Caddyfile ScanCaddyfile(const std::string& path, const std::string& text) {
  Caddyfile file{path, text, SplitLines(text), {}};
  int depth = 0;
  std::vector<std::string> pending;  // addresses of a block not opened yet
  for (size_t i = 0; i < file.lines.size(); ++i) {
    std::vector<std::string> words = Words(file.lines[i]);
    if (words.empty()) continue;
    if (depth == 0 && words.front() == "}") continue;
    if (depth == 0) {
      bool opens = words.back() == "{";
      for (size_t w = 0; w + (opens ? 1 : 0) < words.size(); ++w) {
        std::istringstream parts(words[w]);
        for (std::string p; std::getline(parts, p, ',');) {
          if (!p.empty()) pending.push_back(p);
        }
      }
      if (opens) {
        if (!pending.empty() && pending.front()[0] != '(') {
          SiteBlock site;
          for (const std::string& p : pending) site.addresses.push_back(ParseSiteAddress(p));
          site.open_line = static_cast<int>(i) + 1;
          file.sites.push_back(site);
        }
        pending.clear();
        depth = 1;
      } else if (words.back().back() != ',') {
        pending.clear();
      }
      continue;
    }
    if (words.back() == "{") ++depth;
    if (words.front() == "}" && --depth == 0 && !file.sites.empty() && file.sites.back().close_line == 0) {
      file.sites.back().close_line = static_cast<int>(i) + 1;
    }
  }
  return file;
}

const SiteBlock* FindSite(const Caddyfile& file, const std::string& host, bool https) {
  const SiteBlock* fallback = nullptr;
  for (const SiteBlock& site : file.sites) {
    if (site.close_line == 0) continue;
    for (const SiteAddress& a : site.addresses) {
      bool http = a.scheme == "http" || (a.scheme.empty() && a.port == 80);
      bool tls =
          a.scheme == "https" || (a.scheme.empty() && (a.port == 443 || (a.port == 0 && !a.host.empty())));
      if (https ? !tls : !http) continue;
      if (a.host == host) return &site;
      if (a.host.empty() && fallback == nullptr) fallback = &site;
    }
  }
  return fallback;
}

std::string Where(const Caddyfile& file, const SiteBlock& site, const std::vector<std::string>& directives) {
  for (int n = site.open_line; n < site.close_line - 1; ++n) {
    std::vector<std::string> words = Words(file.lines[n]);
    if (words.empty()) continue;
    for (const std::string& d : directives) {
      if (words.front() == d) return file.path + ":" + std::to_string(n + 1);
    }
  }
  return file.path + ":" + std::to_string(site.open_line);
}

std::string BeginMarker(const std::string& token) { return "# dcv-agent " + token + " begin"; }
std::string EndMarker(const std::string& token) { return "# dcv-agent " + token + " end"; }

std::string InsertHandles(const Caddyfile& file, const std::vector<const SiteBlock*>& sites,
                          const std::vector<std::string>& http_hosts, const std::string& token,
                          const std::string& url_path, const std::string& webroot) {
  std::string out;
  for (size_t n = 0; n < file.lines.size(); ++n) {
    out += file.lines[n] + "\n";
    for (const SiteBlock* site : sites) {
      if (site->open_line != static_cast<int>(n) + 1) continue;
      std::string indent = Indent(file, *site);
      out += indent + BeginMarker(token) + "\n" + HandleBlock(indent, url_path, webroot) + indent +
             EndMarker(token) + "\n";
    }
  }
  if (!file.text.empty() && file.text.back() != '\n') out.pop_back();
  if (http_hosts.empty()) return out;
  std::string addresses;
  for (const std::string& h : http_hosts) addresses += (addresses.empty() ? "http://" : ", http://") + h;
  if (!out.empty() && out.back() != '\n') out += "\n";
  out += BeginMarker(token) + "\n" + addresses + " {\n" + HandleBlock("\t", url_path, webroot) +
         "\thandle {\n\t\tredir https://{host}{uri} 308\n\t}\n}\n" + EndMarker(token) + "\n";
  return out;
}

std::string RemoveHandles(const std::string& text, const std::string& token) {
  std::string out;
  bool inside = false;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    bool has_newline = !in.eof();
    std::string trimmed = line.substr(std::min(line.size(), line.find_first_not_of(" \t")));
    if (trimmed == BeginMarker(token)) {
      inside = true;
      continue;
    }
    if (inside) {
      if (trimmed == EndMarker(token)) inside = false;
      continue;
    }
    out += line + (has_newline ? "\n" : "");
  }
  return out;
}

}  // namespace dcv::caddy
