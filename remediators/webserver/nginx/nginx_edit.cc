// Inserting and removing the dcv-agent snippet. The snippet goes right after the server
// block's `{`: normally as whole lines after the line that holds the brace, indented like
// the block's first directive; when a directive follows `{` on the same line, right
// after the brace, with the begin marker flagged "inline" so that removal also takes the
// line break it added. Removal finds the markers for one token and deletes exactly the
// inserted bytes, so that cleanup restores the original file byte for byte.
#include "remediators/webserver/nginx/nginx_edit.h"

#include <algorithm>
#include <map>

namespace dcv::nginx {
namespace {

constexpr std::string_view kBegin = "# dcv-agent begin ";
constexpr std::string_view kEnd = "# dcv-agent end ";

/// Leading whitespace of the line holding `offset`, if only whitespace precedes it.
std::string IndentAt(const std::string& text, size_t offset) {
  size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  std::string indent = text.substr(line_start, offset - line_start);
  bool blank =
      std::all_of(indent.begin(), indent.end(), [](char c) { return c == ' ' || c == '\t'; });
  return blank ? indent : "";
}

std::string ChildIndent(const std::string& text, const Directive& server) {
  if (!server.children.empty()) {
    const Directive& first = server.children.front();
    std::string between = text.substr(server.block_open, first.offset - server.block_open);
    if (between.find('\n') != std::string::npos) return IndentAt(text, first.offset);
  }
  std::string outer = IndentAt(text, server.offset);
  return outer + (outer.find('\t') != std::string::npos ? "\t" : "    ");
}

/// The text to insert and where, for one server block.
std::pair<size_t, std::string> Insertion(const std::string& text, const Directive& server,
                                         const std::vector<std::string>& lines) {
  std::string indent = ChildIndent(text, server);
  size_t eol = text.find('\n', server.block_open);
  std::string rest = text.substr(
      server.block_open, eol == std::string::npos ? std::string::npos : eol - server.block_open);
  size_t first = rest.find_first_not_of(" \t\r");
  bool whole_lines = eol != std::string::npos && (first == std::string::npos || rest[first] == '#');
  std::string block;
  for (size_t i = 0; i < lines.size(); ++i) {
    block += indent + lines[i] + (i == 0 && !whole_lines ? " inline" : "") + "\n";
  }
  if (whole_lines) return {eol + 1, block};
  return {server.block_open, "\n" + block};
}

}  // namespace

std::string EscapeRegex(const std::string& literal) {
  std::string out;
  for (char c : literal) {
    if (std::string_view(".^$*+?()[]{}|\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::vector<std::string> SnippetLines(const Target& target, const std::string& webroot) {
  return {
      std::string(kBegin) + target.token,
      "rewrite ^" + EscapeRegex(target.UrlPath()) + "$ $uri break;",
      "location = " + target.UrlPath() + " { root " + webroot +
          "; default_type text/plain; allow all; auth_basic off; }",
      std::string(kEnd) + target.token,
  };
}

bool HasSnippet(const Config& config, const Directive& server, const Target& target) {
  const std::string& text = config.FileOf(server).text;
  std::string marker = std::string(kBegin) + target.token;
  for (size_t at = text.find(marker, server.block_open);
       at != std::string::npos && at < server.block_close; at = text.find(marker, at + 1)) {
    char next = at + marker.size() < text.size() ? text[at + marker.size()] : '\n';
    if (next == '\n' || next == ' ') return true;
  }
  return false;
}

std::vector<FileEdit> InsertSnippets(const Config& config,
                                     const std::vector<const Directive*>& servers,
                                     const Target& target, const std::string& webroot) {
  std::vector<std::string> lines = SnippetLines(target, webroot);
  std::map<uint32_t, std::vector<std::pair<size_t, std::string>>> per_file;
  for (const Directive* server : servers) {
    if (HasSnippet(config, *server, target)) continue;
    auto& inserts = per_file[server->file];
    auto insertion = Insertion(config.files[server->file].text, *server, lines);
    if (std::none_of(inserts.begin(), inserts.end(),
                     [&](const auto& i) { return i.first == insertion.first; })) {
      inserts.push_back(std::move(insertion));
    }
  }
  std::vector<FileEdit> edits;
  for (auto& [file, inserts] : per_file) {
    const SourceFile& source = config.files[file];
    std::sort(inserts.begin(), inserts.end(),
              [](const auto& x, const auto& y) { return x.first > y.first; });
    std::string after = source.text;
    for (const auto& [offset, block] : inserts) after.insert(offset, block);
    edits.push_back({source.path, source.text, std::move(after)});
  }
  return edits;
}

std::string RemoveSnippets(std::string text, const std::string& token) {
  std::string begin = std::string(kBegin) + token;
  std::string end = std::string(kEnd) + token + "\n";
  size_t at = 0;
  while ((at = text.find(begin, at)) != std::string::npos) {
    size_t after = at + begin.size();
    bool inline_form = text.compare(after, 8, " inline\n") == 0;
    size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    bool at_line_start = text.find_first_not_of(" \t", line_start) == at;
    size_t close = text.find(end, after);
    if (!at_line_start || close == std::string::npos ||
        (!inline_form && text.compare(after, 1, "\n") != 0)) {
      at = after;
      continue;
    }
    size_t from = inline_form && line_start > 0 ? line_start - 1 : line_start;
    text.erase(from, close + end.size() - from);
    at = from;
  }
  return text;
}

}  // namespace dcv::nginx
