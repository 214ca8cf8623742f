// Inserting and removing the dcv-agent snippets. They are whole lines: the top one after
// the line that opens <VirtualHost>, indented like the vhost's first directive; the
// bottom one (a <Location> grant, only when needed) before the line that closes it. When
// the main server answers (no VirtualHost, as in RHEL's stock httpd.conf) the snippet is
// appended to the main file, after every module is loaded.
// Insertions into one file are made from the end backwards so that earlier offsets stay
// valid. Removal deletes every line from a begin marker for the token to its end marker,
// which restores the original bytes.
#include "remediators/webserver/apache/apache_edit.h"

#include <algorithm>
#include <map>

namespace dcv::apache {
namespace {

constexpr std::string_view kBegin = "# dcv-agent begin ";
constexpr std::string_view kEnd = "# dcv-agent end ";
constexpr std::string_view kDotlessPrefix = "/dcv-agent-validation/";

std::string RegexLiteral(const std::string& literal) {
  std::string out;
  for (char c : literal) {
    if (std::string_view(".^$*+?()[]{}|\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string LeadingSpace(const std::string& text, size_t line_start) {
  size_t end = text.find_first_not_of(" \t", line_start);
  return text.substr(line_start, (end == std::string::npos ? text.size() : end) - line_start);
}

std::string ChildIndent(const std::string& text, const Directive& vhost) {
  if (!vhost.children.empty() && vhost.children.front().file == vhost.file) {
    std::string indent = LeadingSpace(text, vhost.children.front().offset);
    if (!indent.empty()) return indent;
  }
  std::string outer = LeadingSpace(text, vhost.offset);
  return outer + (outer.find('\t') != std::string::npos ? "\t" : "    ");
}

std::string Lines(const std::vector<std::string>& lines, const std::string& indent) {
  std::string out;
  for (const std::string& l : lines) out += indent + l + "\n";
  return out;
}

}  // namespace

std::vector<std::string> TopSnippet(const Target& target, const std::string& webroot,
                                    const SnippetNeeds& needs) {
  std::string file = webroot + target.UrlPath();
  std::string dir = webroot + target.WellKnownDir();
  dir.pop_back();
  std::vector<std::string> lines{std::string(kBegin) + target.token};
  if (needs.proxy_exclusion) lines.push_back("ProxyPass " + target.UrlPath() + " !");
  if (needs.dotless) {
    std::string url = std::string(kDotlessPrefix) + target.token;
    if (needs.engine_on) lines.push_back("RewriteEngine On");
    lines.push_back("RewriteRule ^" + RegexLiteral(target.UrlPath()) + "$ " + url + " [PT,END]");
    lines.push_back("Alias " + url + " " + file);
  } else if (needs.rewrite) {
    if (needs.engine_on) lines.push_back("RewriteEngine On");
    lines.push_back("RewriteRule ^" + RegexLiteral(target.UrlPath()) + "$ " + file + " [END]");
  } else {
    lines.push_back("Alias " + target.UrlPath() + " " + file);
  }
  lines.push_back("<Directory " + dir + ">");
  lines.push_back("    AllowOverride None");
  lines.push_back("    Require all granted");
  lines.push_back("</Directory>");
  lines.push_back(std::string(kEnd) + target.token);
  return lines;
}

std::vector<std::string> BottomSnippet(const Target& target, const SnippetNeeds& needs) {
  if (!needs.location_grant) return {};
  return {std::string(kBegin) + target.token, "<Location " + target.UrlPath() + ">",
          "    Require all granted", "</Location>", std::string(kEnd) + target.token};
}

bool HasSnippet(const Config& config, const Directive& vhost, const Target& target) {
  const std::string& text = config.FileOf(vhost).text;
  std::string marker = std::string(kBegin) + target.token + "\n";
  size_t at = text.find(marker, vhost.body_offset);
  return at != std::string::npos && at < vhost.close_offset;
}

std::vector<FileEdit> InsertSnippets(const Config& config, const std::vector<VhostEdit>& vhosts,
                                     const Target& target, const std::string& webroot) {
  std::map<uint32_t, std::vector<std::pair<size_t, std::string>>> inserts;  // file -> (offset, text)
  for (const VhostEdit& e : vhosts) {
    if (e.vhost == nullptr) {  // the main server: at the end of the main file
      const std::string& text = config.files[0].text;
      if (text.find(std::string(kBegin) + target.token + "\n") != std::string::npos) continue;
      if (!text.empty() && text.back() != '\n') continue;  // cannot append whole lines
      inserts[0].emplace_back(text.size(), Lines(TopSnippet(target, webroot, e.needs), ""));
      continue;
    }
    if (HasSnippet(config, *e.vhost, target)) continue;
    const std::string& text = config.FileOf(*e.vhost).text;
    std::string indent = ChildIndent(text, *e.vhost);
    inserts[e.vhost->file].emplace_back(e.vhost->body_offset,
                                        Lines(TopSnippet(target, webroot, e.needs), indent));
    std::vector<std::string> bottom = BottomSnippet(target, e.needs);
    if (!bottom.empty()) {
      inserts[e.vhost->file].emplace_back(e.vhost->close_offset, Lines(bottom, indent));
    }
  }
  std::vector<FileEdit> out;
  for (auto& [file, list] : inserts) {
    const SourceFile& source = config.files[file];
    std::string after = source.text;
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [offset, text] : list) after.insert(offset, text);
    out.push_back(FileEdit{source.path, source.text, after});
  }
  return out;
}

std::string RemoveSnippets(std::string text, const std::string& token) {
  std::string begin = std::string(kBegin) + token + "\n";
  std::string end = std::string(kEnd) + token + "\n";
  for (size_t at = text.find(begin); at != std::string::npos; at = text.find(begin)) {
    size_t line_start = text.rfind('\n', at);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    if (text.find_first_not_of(" \t", line_start) != at) break;  // not a marker line
    size_t close = text.find(end, at);
    if (close == std::string::npos) break;
    text.erase(line_start, close + end.size() - line_start);
  }
  return text;
}

}  // namespace dcv::apache
