// The Apache httpd configuration as httpd itself reads it: logical lines (backslash
// continuations joined), directives and <Section>s with file:line and byte offsets,
// `Include`/`IncludeOptional` expanded in place (globs relative to ServerRoot, sorted),
// `Define` and ${VAR} substituted, and the conditional sections <IfModule>, <IfDefine>,
// <IfVersion>, <IfFile>, <IfDirective> evaluated in file order the way httpd does (a
// LoadModule earlier in the files makes a later <IfModule> true) and spliced into their
// parent. .htaccess files are parsed with the same rules by ParseHtaccess.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/result.h"

namespace dcv::apache {

/// One configuration file as read (or as overridden for a what-if parse).
struct SourceFile {
  std::string path;
  std::string text;
};

/// One directive (`Name args...`) or section (`<Name args> children </Name>`).
struct Directive {
  std::string name;                 // as written ("RewriteRule", "VirtualHost")
  std::vector<std::string> args;    // unquoted, ${VAR} substituted; a section's closing '>' removed
  std::vector<Directive> children;  // a section's contents, includes expanded
  bool section = false;
  uint32_t file = 0;          // index into Config::files
  uint32_t line = 0;          // 1-based line of the directive (first line if continued)
  uint32_t offset = 0;        // byte offset of the start of that line
  uint32_t body_offset = 0;   // section: byte offset of the line after `<Name ...>`
  uint32_t close_offset = 0;  // section: byte offset of the start of the `</Name>` line

  /// Case-insensitive name comparison (httpd directive names are case-insensitive).
  bool Is(std::string_view other) const;
  std::string Arg(size_t i) const { return i < args.size() ? args[i] : std::string(); }
};

/// A whole configuration: the main file and everything it includes.
struct Config {
  std::string conf_path;    // absolute path of the main file (-f)
  std::string server_root;  // ServerRoot (-d, or the last ServerRoot directive)
  std::deque<SourceFile> files;  // stable addresses; files[0] is the main file
  std::vector<Directive> root;
  std::set<std::string> modules;              // "rewrite_module" and "mod_rewrite.c" forms
  std::map<std::string, std::string> defines; // Define NAME VALUE (and -D NAME)

  /// "path:line" of a directive.
  std::string Where(const Directive& directive) const;
  const SourceFile& FileOf(const Directive& directive) const { return files[directive.file]; }
  bool HasModule(const std::string& name) const { return modules.count(name) > 0; }
  /// An absolute path for `path` (relative ones are taken from ServerRoot).
  std::string ServerPath(const std::string& path) const;
};

/// Where to read the configuration from.
struct LoadOptions {
  std::string conf_path;    // -f; relative paths are taken from server_root
  std::string server_root;  // -d; the compiled-in default when empty
  std::map<std::string, std::string> defines;   // -D NAME (and envvars as Define)
  std::set<std::string> builtin_modules;        // compiled-in modules (apache2 -l)
  /// Contents that replace the files on disk (path -> text), for what-if parses.
  std::map<std::string, std::string> overrides;
  int max_include_depth = 32;
  /// A configuration loaded from the same tree earlier in this run: files it read (and that
  /// `overrides` does not replace) take their text from it, not from the disk again.
  const Config* reuse_text = nullptr;
};

/// Modules compiled into Debian's and RHEL's httpd (apache2 -l), in both name forms.
std::set<std::string> DefaultBuiltinModules();

/// Reads and parses the configuration, following includes. A syntax error (unclosed or
/// mismatched section), an unreadable file, an Include matching nothing, an include loop
/// or too deep includes are an Error naming file:line.
Result<Config> LoadConfig(const LoadOptions& options);

/// Parses an .htaccess file's `text` with the modules and defines of `config`. The
/// directives' `file` index is meaningless (0): cite them as path + ":" + line.
Result<std::vector<Directive>> ParseHtaccess(const Config& config, const std::string& path,
                                             const std::string& text);

/// Visits the directives of `list` in order (depth-first), calling fn(directive).
template <class Fn>
void ForEachDirective(const std::vector<Directive>& list, Fn&& fn) {
  for (const Directive& d : list) {
    fn(d);
    ForEachDirective(d.children, fn);
  }
}

/// Case-insensitive ASCII equality.
bool EqualsNoCase(std::string_view a, std::string_view b);
std::string Lower(std::string s);

}  // namespace dcv::apache
