// The nginx configuration as nginx itself reads it: files tokenized with nginx's own rules,
// `include` directives expanded in place (globs sorted as glob(3) does), and every
// directive and block remembering the file, line and byte offsets it came from so that
// findings can cite `file:line` and edits can be made at exact positions.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/result.h"

namespace dcv::nginx {

/// One configuration file as read (or as overridden for a what-if parse).
struct SourceFile {
  std::string path;
  std::string text;
};

/// One directive: `name args... ;` or `name args... { children }`.
struct Directive {
  std::string name;
  std::vector<std::string> args;    // unquoted, escapes resolved as nginx does
  std::vector<Directive> children;  // block contents, includes already expanded
  bool has_block = false;
  uint32_t file = 0;         // index into Config::files
  uint32_t line = 0;         // line of the directive's name (1-based)
  uint32_t offset = 0;       // byte offset of the name in its file
  uint32_t block_open = 0;   // byte offset just after '{' (when has_block)
  uint32_t block_close = 0;  // byte offset of the matching '}' (when has_block)
};

/// A whole configuration: the main file and everything it includes.
struct Config {
  std::string conf_path;  // absolute path of the main file
  std::string prefix;     // nginx prefix (-p), ends with '/'
  std::string conf_dir;   // directory of conf_path, ends with '/'; includes are relative to it
  std::deque<SourceFile> files;  // stable addresses; files[0] is the main file
  std::vector<Directive> root;

  /// "path:line" of a directive.
  std::string Where(const Directive& directive) const;
  const SourceFile& FileOf(const Directive& directive) const { return files[directive.file]; }
};

/// Where to read the configuration from.
struct LoadOptions {
  std::string conf_path;  // -c; relative paths are taken from `prefix`
  std::string prefix;     // -p; empty: the directory of conf_path
  /// Contents that replace the files on disk (path -> text): lets a caller parse the
  /// configuration as it would be after an edit, without writing anything.
  std::map<std::string, std::string> overrides;
  int max_include_depth = 32;
};

/// Reads and parses the configuration, following includes. A syntax error, an unreadable
/// file, an include loop or too deep includes are an Error naming file:line.
Result<Config> LoadConfig(const LoadOptions& options);

/// Parses one file's text into `config` (as file `path`) without touching the disk: for
/// tests and for configurations held in memory. Includes are resolved against conf_dir.
Result<Config> ParseConfigText(std::string_view text, const std::string& path);

/// Visits the directives of `list` in order (depth-first), calling fn(directive).
template <class Fn>
void ForEachDirective(const std::vector<Directive>& list, Fn&& fn) {
  for (const Directive& d : list) {
    fn(d);
    ForEachDirective(d.children, fn);
  }
}

}  // namespace dcv::nginx
