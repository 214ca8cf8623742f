// Builds the directive tree of an nginx configuration from its files. Tokens come from
// the Lexer; this file groups them into directives and blocks with nginx's error rules
// ("unexpected }", "unexpected end of file, expecting ;"), and expands `include` where it
// stands, as nginx does: relative paths are taken from the main file's directory, a
// pattern with * ? [ is expanded and sorted by glob(3) and may match nothing, a plain
// path must exist. Include loops and excessive depth are errors rather than a crash.
#include "remediators/webserver/nginx/nginx_config.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "remediators/webserver/nginx/nginx_lexer.h"

namespace dcv::nginx {
namespace {

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "./" : path.substr(0, slash + 1);
}

std::string WithSlash(std::string dir) {
  if (dir.empty() || dir.back() != '/') dir += '/';
  return dir;
}

class Parser {
 public:
  Parser(Config& config, const LoadOptions& options) : config_(config), options_(options) {}

  /// Parses `path` (read from disk unless overridden) into `out`.
  Result<void> ParseFile(const std::string& path, std::vector<Directive>& out);
  /// Parses text already stored as config_.files[index].
  Result<void> ParseStored(uint32_t index, std::vector<Directive>& out);

 private:
  Result<void> ParseBlock(Lexer& lexer, uint32_t file, bool in_block, int nesting,
                          std::vector<Directive>& out, uint32_t* close_offset);
  Result<void> ExpandInclude(const Directive& include, std::vector<Directive>& out);
  Error At(uint32_t file, uint32_t line, const std::string& message) const {
    return MakeError(config_.files[file].path + ":" + std::to_string(line) + ": " + message);
  }

  Config& config_;
  const LoadOptions& options_;
  std::vector<std::string> stack_;  // files being parsed, outermost first
};

Result<void> Parser::ParseFile(const std::string& path, std::vector<Directive>& out) {
  if (std::find(stack_.begin(), stack_.end(), path) != stack_.end()) {
    return MakeError(path + ": include loop (" + stack_.back() + " includes it again)");
  }
  if (static_cast<int>(stack_.size()) > options_.max_include_depth) {
    return MakeError(path + ": includes nested deeper than " +
                     std::to_string(options_.max_include_depth));
  }
  SourceFile file{path, {}};
  if (auto it = options_.overrides.find(path); it != options_.overrides.end()) {
    file.text = it->second;
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return MakeError(path + ": is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(path + ": cannot open");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    file.text = std::move(buffer).str();
  }
  config_.files.push_back(std::move(file));
  stack_.push_back(path);
  Result<void> parsed = ParseStored(static_cast<uint32_t>(config_.files.size() - 1), out);
  stack_.pop_back();
  return parsed;
}

Result<void> Parser::ParseStored(uint32_t index, std::vector<Directive>& out) {
  Lexer lexer(config_.files[index].text);
  return ParseBlock(lexer, index, false, 0, out, nullptr);
}

Result<void> Parser::ParseBlock(Lexer& lexer, uint32_t file, bool in_block, int nesting,
                                std::vector<Directive>& out, uint32_t* close_offset) {
  if (nesting > 64) return At(file, lexer.line(), "blocks nested too deeply");
  for (;;) {
    Token token = lexer.Next();
    switch (token.kind) {
      case TokenKind::kError:
        return At(file, token.line, token.text);
      case TokenKind::kEnd:
        if (in_block) return At(file, token.line, "unexpected end of file, expecting \"}\"");
        return {};
      case TokenKind::kBlockEnd:
        if (!in_block) return At(file, token.line, "unexpected \"}\"");
        *close_offset = token.offset;
        return {};
      case TokenKind::kSemicolon:
        return At(file, token.line, "unexpected \";\"");
      case TokenKind::kBlockStart:
        return At(file, token.line, "unexpected \"{\"");
      case TokenKind::kWord:
        break;
    }
    Directive directive;
    directive.name = std::move(token.text);
    directive.file = file;
    directive.line = token.line;
    directive.offset = token.offset;
    for (;;) {
      Token next = lexer.Next();
      if (next.kind == TokenKind::kWord) {
        directive.args.push_back(std::move(next.text));
        continue;
      }
      if (next.kind == TokenKind::kSemicolon) break;
      if (next.kind == TokenKind::kBlockStart) {
        directive.has_block = true;
        directive.block_open = next.offset + 1;
        if (directive.name.ends_with("_by_lua_block")) {
          Token close = lexer.SkipLuaBlock();
          if (close.kind == TokenKind::kError) return At(file, close.line, close.text);
          directive.block_close = close.offset;
          break;
        }
        Result<void> inner =
            ParseBlock(lexer, file, true, nesting + 1, directive.children, &directive.block_close);
        if (!inner) return inner;
        break;
      }
      if (next.kind == TokenKind::kError) return At(file, next.line, next.text);
      if (next.kind == TokenKind::kBlockEnd) return At(file, next.line, "unexpected \"}\"");
      return At(file, next.line, "unexpected end of file, expecting \";\" or \"}\"");
    }
    if (directive.name == "include" && !directive.has_block) {
      if (directive.args.size() != 1) {
        return At(file, directive.line, "invalid number of arguments in \"include\"");
      }
      Result<void> included = ExpandInclude(directive, out);
      if (!included) return included;
      continue;
    }
    out.push_back(std::move(directive));
  }
}

Result<void> Parser::ExpandInclude(const Directive& include, std::vector<Directive>& out) {
  std::string pattern = include.args[0];
  if (pattern.empty() || pattern[0] != '/') pattern = config_.conf_dir + pattern;
  if (pattern.find_first_of("*?[") == std::string::npos) {
    std::error_code ec;
    if (!options_.overrides.count(pattern) && !std::filesystem::exists(pattern, ec)) {
      return At(include.file, include.line, "include \"" + pattern + "\" does not exist");
    }
    Result<void> r = ParseFile(pattern, out);
    if (!r) return At(include.file, include.line, "in include: " + r.error().message);
    return {};
  }
  glob_t matches{};
  int rc = ::glob(pattern.c_str(), 0, nullptr, &matches);  // sorted, like ngx_open_glob
  std::vector<std::string> paths;
  if (rc == 0) paths.assign(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
  globfree(&matches);
  if (rc != 0 && rc != GLOB_NOMATCH) {
    return At(include.file, include.line, "glob \"" + pattern + "\" failed");
  }
  for (const std::string& path : paths) {
    Result<void> r = ParseFile(path, out);
    if (!r) return At(include.file, include.line, "in include: " + r.error().message);
  }
  return {};
}

}  // namespace

std::string Config::Where(const Directive& directive) const {
  return files[directive.file].path + ":" + std::to_string(directive.line);
}

Result<Config> LoadConfig(const LoadOptions& options) {
  Config config;
  std::string prefix = options.prefix;
  std::string conf = options.conf_path;
  if (!conf.empty() && conf[0] != '/') {
    conf = WithSlash(prefix.empty() ? std::filesystem::current_path().string() : prefix) + conf;
  }
  config.conf_path = conf;
  config.conf_dir = DirOf(conf);
  config.prefix = prefix.empty() ? config.conf_dir : WithSlash(prefix);
  Parser parser(config, options);
  Result<void> parsed = parser.ParseFile(conf, config.root);
  if (!parsed) return parsed.error();
  return config;
}

Result<Config> ParseConfigText(std::string_view text, const std::string& path) {
  LoadOptions options;
  options.conf_path = path;
  options.overrides[path] = std::string(text);
  return LoadConfig(options);
}

}  // namespace dcv::nginx
