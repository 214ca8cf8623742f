// The parts of nginx's rewrite module that compute values: variables ($host, ${uri},
// $1, variables from `set` and `map`), regex matching with captures, and `if` conditions. Used by
// the predictor; anything it cannot evaluate is reported as unknown, never guessed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "remediators/webserver/nginx/nginx_predict.h"

namespace dcv::nginx {

/// The evolving state of one request inside nginx.
struct ScriptState {
  const Request* request = nullptr;
  const ServerBlock* server = nullptr;
  const FileView* files = nullptr;
  std::string uri;                           // $uri, changed by rewrite / try_files
  std::vector<std::string> captures;         // $0..$9 of the last successful regex
  std::map<std::string, std::string> vars;   // from `set`
  std::optional<std::string> document_root;  // nullopt until known
  const std::vector<Directive>* http = nullptr;  // the http block's directives (its `map`s)
  int map_depth = 0;                             // maps over maps, bounded
};

/// The value of `$name` when an http-level `map` defines it: nullopt when no map does or
/// its value cannot be known (nginx_map.cc).
std::optional<std::optional<std::string>> MapVariable(const std::string& name, const ScriptState& state);

/// Expands variables in `text`; nullopt if a variable's value cannot be known.
std::optional<std::string> Expand(std::string_view text, const ScriptState& state);

/// Regex search as nginx does it (PCRE2, unanchored). nullopt when PCRE2 rejects the
/// pattern. On a match, `captures` (if given) receives $0..$n (named groups by number).
std::optional<bool> RegexSearch(const std::string& pattern, const std::string& subject,
                                bool caseless, std::vector<std::string>* captures);

/// Evaluates `if (...)` arguments as the tokenizer split them ("($host", "=", "x)").
/// nullopt when the condition cannot be evaluated (unknown variable, unsupported form).
std::optional<bool> EvalCondition(const std::vector<std::string>& args, ScriptState& state);

}  // namespace dcv::nginx
