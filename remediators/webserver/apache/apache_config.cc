// Builds the directive tree of an Apache configuration from its files, following httpd's
// own reading rules: one directive per logical line (a trailing backslash continues it),
// `#` only at the start of a line, arguments split like ap_getword_conf (double or single
// quotes, backslash-escaped quotes), sections closed by a matching </Name>. Conditional
// sections are decided while reading, in order, because that is when httpd decides them:
// `LoadModule` adds a module for every later <IfModule>, `Define` a name for <IfDefine>
// and ${NAME}. `Include` is relative to ServerRoot, expands globs with glob(3) (sorted,
// dotfiles only when asked for) and includes whole directories recursively; a plain
// `Include` that matches nothing is an error, `IncludeOptional` is not. Within one load each
// path is looked at and read at most once (DiskCache): trees of thousands of vhosts include
// the same SSL snippet thousands of times, and system calls are dear on a busy VM.
#include "remediators/webserver/apache/apache_config.h"

#include <glob.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <unordered_map>

#include "remediators/webserver/apache/apache_config_text.h"

namespace dcv::apache {

using config_text::AsciiLower;
using config_text::DiskCache;
using config_text::FindBlank;
using config_text::FindNonBlank;
using config_text::Line;
using config_text::Lines;
using config_text::LogicalLines;
using config_text::SplitWords;

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = AsciiLower(c);
  return s;
}

bool Directive::Is(std::string_view other) const { return EqualsNoCase(name, other); }

std::string Config::Where(const Directive& d) const {
  const std::string& path = files[d.file].path;
  std::string line = std::to_string(d.line);
  std::string where;
  where.reserve(path.size() + 1 + line.size());  // one allocation: vhost lists call this per vhost
  return where.append(path).append(1, ':').append(line);
}

std::string Config::ServerPath(const std::string& path) const {
  if (path.empty() || path[0] == '/') return path;
  std::string root = server_root;
  if (!root.empty() && root.back() != '/') root += '/';
  return root + path;
}

std::set<std::string> DefaultBuiltinModules() {
  return {"core_module",   "core.c",        "so_module",      "mod_so.c",
          "http_module",   "http_core.c",   "log_config_module", "mod_log_config.c",
          "logio_module",  "mod_logio.c",   "version_module", "mod_version.c",
          "unixd_module",  "mod_unixd.c",   "watchdog_module", "mod_watchdog.c"};
}

namespace {

bool HasWildcard(const std::string& p) { return p.find_first_of("*?[") != std::string::npos; }

void FilesUnder(const std::filesystem::path& dir, std::vector<std::string>& out) {
  std::vector<std::filesystem::path> entries;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const auto& p : entries) {
    if (std::filesystem::is_directory(p, ec)) {
      FilesUnder(p, out);
    } else {
      out.push_back(p.string());
    }
  }
}

class Reader {
 public:
  Reader(Config& config, const LoadOptions& options) : config_(config), options_(options) {
    if (options.reuse_text != nullptr) {
      for (size_t i = 0; i < options.reuse_text->files.size(); ++i) reused_.emplace(options.reuse_text->files[i].path, i);
    }
  }

  Result<void> ReadFile(const std::string& path, std::vector<Directive>& out);
  Result<void> ParseStored(uint32_t index, std::vector<Directive>& out);

 private:
  Result<void> ParseLines(uint32_t file, const std::vector<Line>& lines, size_t& i,
                          std::vector<Directive>& out, const std::string& closing);
  Result<void> Skip(uint32_t file, const std::vector<Line>& lines, size_t& i,
                    const std::string& closing);
  Result<void> Include(const Directive& d, bool optional, std::vector<Directive>& out);
  bool ConditionHolds(const Directive& d) const;
  void Substitute(std::string& arg) const;
  void Apply(const Directive& d);
  Error At(uint32_t file, uint32_t line, const std::string& message) const {
    return MakeError(config_.files[file].path + ":" + std::to_string(line) + ": " + message);
  }

  /// Whether `path` is a directory (stat only for overridden and reused paths, whose text
  /// is not read from the disk).
  bool IsDirectory(const std::string& path) {
    bool known = options_.overrides.count(path) || Reused(path) != nullptr;
    return (known ? disk_.Stat(path) : disk_.Read(path)).directory;
  }
  /// The text of `path` in LoadOptions::reuse_text, or nullptr.
  const std::string* Reused(const std::string& path) const {
    auto it = reused_.find(path);
    return it == reused_.end() ? nullptr : &options_.reuse_text->files[it->second].text;
  }

  Config& config_;
  const LoadOptions& options_;
  std::vector<std::string> stack_;
  DiskCache disk_;
  std::unordered_map<std::string, size_t> reused_;  // path -> index in reuse_text->files
  std::deque<std::vector<Directive>> scratch_;  // per section depth (stable addresses)
  size_t depth_ = 0;
};

Result<void> Reader::ReadFile(const std::string& path, std::vector<Directive>& out) {
  if (std::find(stack_.begin(), stack_.end(), path) != stack_.end()) {
    return MakeError(path + ": include loop (" + stack_.back() + " includes it again)");
  }
  if (static_cast<int>(stack_.size()) > options_.max_include_depth) {
    return MakeError(path + ": includes nested deeper than " +
                     std::to_string(options_.max_include_depth));
  }
  std::string text;
  auto over = options_.overrides.find(path);
  if (over != options_.overrides.end()) {
    text = over->second;
  } else if (const std::string* reused = Reused(path)) {
    text = *reused;
  } else {
    DiskCache::Entry& e = disk_.Read(path);
    if (!e.readable) return MakeError(path + ": cannot be read");
    if (e.file < 0) {  // the first reading hands the text over; later ones copy it
      e.file = static_cast<int64_t>(config_.files.size());
      text = std::move(e.text);
    } else {
      text = config_.files[static_cast<size_t>(e.file)].text;
    }
  }
  config_.files.push_back(SourceFile{path, std::move(text)});
  stack_.push_back(path);
  Result<void> r = ParseStored(static_cast<uint32_t>(config_.files.size() - 1), out);
  stack_.pop_back();
  return r;
}

Result<void> Reader::ParseStored(uint32_t index, std::vector<Directive>& out) {
  Lines lines = LogicalLines(config_.files[index].text);
  size_t i = 0;
  return ParseLines(index, lines.lines, i, out, "");
}

void Reader::Substitute(std::string& arg) const {
  for (size_t at = arg.find("${"); at != std::string::npos;) {
    size_t end = arg.find('}', at);
    if (end == std::string::npos) return;
    auto def = config_.defines.find(arg.substr(at + 2, end - at - 2));
    if (def == config_.defines.end()) {  // httpd warns and keeps it
      at = arg.find("${", at + 1);
      continue;
    }
    arg.replace(at, end - at + 1, def->second);
    // The value is not substituted again (httpd neither): `Define A x${A}` would never end.
    at = arg.find("${", at + def->second.size());
  }
}

bool Reader::ConditionHolds(const Directive& d) const {
  std::string arg = d.Arg(0);
  bool negate = !arg.empty() && arg[0] == '!';
  if (negate) arg = arg.substr(1);
  bool holds = true;
  if (d.Is("IfModule")) {
    holds = config_.HasModule(arg);
  } else if (d.Is("IfDefine")) {
    holds = config_.defines.count(arg) > 0;
  } else if (d.Is("IfFile")) {
    std::error_code ec;
    holds = std::filesystem::exists(config_.ServerPath(arg), ec);
  }  // IfVersion (2.4 assumed), IfDirective: true
  return holds != negate;
}

void Reader::Apply(const Directive& d) {
  if (d.Is("ServerRoot") && !d.args.empty()) {
    config_.server_root = d.args[0];
  } else if (d.Is("LoadModule") && d.args.size() >= 2) {
    config_.modules.insert(d.args[0]);
    std::string file = std::filesystem::path(d.args[1]).filename().string();
    if (file.size() > 3 && file.substr(file.size() - 3) == ".so") {
      config_.modules.insert(file.substr(0, file.size() - 3) + ".c");
    }
  } else if (d.Is("Define") && !d.args.empty()) {
    config_.defines[d.args[0]] = d.Arg(1);
  } else if (d.Is("UnDefine") && !d.args.empty()) {
    config_.defines.erase(d.args[0]);
  }
}

Result<void> Reader::ParseLines(uint32_t file, const std::vector<Line>& lines, size_t& i,
                                std::vector<Directive>& out, const std::string& closing) {
  for (; i < lines.size(); ++i) {
    const Line& line = lines[i];
    size_t first = FindNonBlank(line.text);
    if (first == std::string::npos || line.text[first] == '#') continue;
    std::string_view body = std::string_view(line.text).substr(first);
    if (body.substr(0, 2) == "</") {
      std::string name(body.substr(2, body.find('>') == std::string_view::npos
                                          ? std::string_view::npos
                                          : body.find('>') - 2));
      if (closing.empty() || !EqualsNoCase(name, closing)) {
        return At(file, line.number, "</" + name + "> without matching <" + name + "> section");
      }
      return {};
    }
    bool opens = body[0] == '<';
    if (opens) body = body.substr(1);
    size_t name_end = FindBlank(body, 0, true);
    Directive d;
    d.name = std::string(body.substr(0, name_end));
    std::string_view rest = name_end == std::string_view::npos ? std::string_view() : body.substr(name_end);
    if (opens) {
      // `< x>`: no name, and an empty closing name would read as the end of the file.
      if (d.name.empty()) return At(file, line.number, "<> section without a name");
      size_t gt = rest.rfind('>');
      if (gt == std::string_view::npos) return At(file, line.number, "<" + d.name + "> lacks a closing '>'");
      rest = rest.substr(0, gt);
    }
    d.args = SplitWords(rest);
    for (std::string& a : d.args) Substitute(a);
    d.section = opens;
    d.file = file;
    d.line = line.number;
    d.offset = line.offset;
    d.body_offset = line.next_offset;
    // The names this reader acts on start with i, s, l, d or u: the rest skip the compares.
    const char initial = d.name.empty() ? '\0' : AsciiLower(d.name[0]);
    bool conditional = initial == 'i' && (d.Is("IfModule") || d.Is("IfDefine") || d.Is("IfVersion") ||
                                          d.Is("IfFile") || d.Is("IfDirective"));
    if (opens && conditional) {
      ++i;
      Result<void> r = ConditionHolds(d) ? ParseLines(file, lines, i, out, d.name)
                                         : Skip(file, lines, i, d.name);
      if (!r) return r;
      continue;
    }
    if (opens) {
      ++i;
      // The children gather in a reused list of this depth and are moved into a vector of
      // exactly their number: one allocation per section, no growth slack kept.
      if (depth_ == scratch_.size()) scratch_.emplace_back();
      std::vector<Directive>& children = scratch_[depth_++];
      children.clear();
      Result<void> r = ParseLines(file, lines, i, children, d.name);
      --depth_;
      if (!r) return r;
      d.children.assign(std::make_move_iterator(children.begin()), std::make_move_iterator(children.end()));
      children.clear();
      d.close_offset = lines[i].offset;
      out.push_back(std::move(d));
      continue;
    }
    if (initial == 'i' && (d.Is("Include") || d.Is("IncludeOptional"))) {
      if (Result<void> r = Include(d, d.Is("IncludeOptional"), out); !r) return r;
      continue;
    }
    if (initial == 's' || initial == 'l' || initial == 'd' || initial == 'u') Apply(d);
    out.push_back(std::move(d));
  }
  if (!closing.empty()) {
    return MakeError(config_.files[file].path + ": <" + closing + "> was not closed");
  }
  return {};
}

Result<void> Reader::Skip(uint32_t file, const std::vector<Line>& lines, size_t& i,
                          const std::string& closing) {
  int depth = 0;
  for (; i < lines.size(); ++i) {
    std::string_view t = lines[i].text;
    size_t first = FindNonBlank(t);
    if (first == std::string_view::npos) continue;
    t = t.substr(first);
    if (t.substr(0, 2) == "</") {
      if (depth == 0) return {};
      --depth;
    } else if (t[0] == '<') {
      ++depth;
    }
  }
  return MakeError(config_.files[file].path + ": <" + closing + "> was not closed");
}

Result<void> Reader::Include(const Directive& d, bool optional, std::vector<Directive>& out) {
  if (d.args.empty()) return At(d.file, d.line, d.name + " needs a path");
  std::string pattern = config_.ServerPath(d.args[0]);
  std::vector<std::string> paths;
  if (HasWildcard(pattern)) {
    glob_t g{};
    if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (size_t k = 0; k < g.gl_pathc; ++k) paths.push_back(g.gl_pathv[k]);
    }
    globfree(&g);
    if (paths.empty() && !optional) {
      return At(d.file, d.line, "Include: no matches for the wildcard " + pattern);
    }
  } else {
    if (IsDirectory(pattern)) {
      FilesUnder(pattern, paths);
    } else if (disk_.Stat(pattern).exists || options_.overrides.count(pattern)) {
      paths.push_back(pattern);
    } else if (!optional) {
      return At(d.file, d.line, "Include: " + pattern + " does not exist");
    }
  }
  for (const std::string& p : paths) {
    if (IsDirectory(p)) {
      std::vector<std::string> under;
      FilesUnder(p, under);
      for (const std::string& u : under) {
        if (Result<void> r = ReadFile(u, out); !r) return r;
      }
      continue;
    }
    if (Result<void> r = ReadFile(p, out); !r) return r;
  }
  return {};
}

}  // namespace

Result<Config> LoadConfig(const LoadOptions& options) {
  Config config;
  config.server_root = options.server_root.empty() ? "/etc/apache2" : options.server_root;
  config.defines = options.defines;
  config.modules = options.builtin_modules.empty() ? DefaultBuiltinModules()
                                                   : options.builtin_modules;
  config.conf_path = config.ServerPath(options.conf_path);
  Reader reader(config, options);
  if (Result<void> r = reader.ReadFile(config.conf_path, config.root); !r) return r.error();
  return config;
}

Result<std::vector<Directive>> ParseHtaccess(const Config& config, const std::string& path,
                                             const std::string& text) {
  Config scratch;  // the file's directives refer to files[0] of this scratch config
  scratch.server_root = config.server_root;
  scratch.modules = config.modules;
  scratch.defines = config.defines;
  scratch.files.push_back(SourceFile{path, text});
  LoadOptions options;
  options.max_include_depth = 0;
  Reader reader(scratch, options);
  std::vector<Directive> out;
  if (Result<void> r = reader.ParseStored(0, out); !r) return r.error();
  return out;
}

}  // namespace dcv::apache
