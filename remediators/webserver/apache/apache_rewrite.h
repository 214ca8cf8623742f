// mod_rewrite, as far as a validation request meets it: the RewriteEngine/RewriteBase/
// RewriteOptions/RewriteCond/RewriteRule directives of one context (server, vhost,
// <Directory>, .htaccess), and their evaluation for one request: rule patterns (with `!`),
// conditions on the usual variables (HTTP_HOST, HTTPS, REQUEST_URI, REQUEST_FILENAME,
// SERVER_NAME, DOCUMENT_ROOT, ENV:, HTTP:), the -f/-d/-s/=/</> tests, [NC], [OR], the
// flags that decide the answer: L, END, R[=code], F, G, P, PT, E=, QSA, NE, and the flow
// flags C, S=n, N; RewriteMap lookups `${name:key|default}` for txt, rnd (one value) and
// int maps (prg, dbm and the rest are programs or databases: unknown).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "remediators/webserver/apache/apache_config.h"
#include "remediators/webserver/apache/apache_request.h"

namespace dcv::apache {

struct RewriteCond {
  std::string test;     // "%{HTTP_HOST}"
  std::string pattern;  // "!^www\." , "-f", "=on"
  bool nocase = false;
  bool ornext = false;
  std::string where;
};

struct RewriteRule {
  std::string pattern;
  std::string substitution;
  std::vector<RewriteCond> conds;
  bool nocase = false, last = false, end = false, proxy = false, forbidden = false;
  bool gone = false, passthrough = false;
  bool chain = false;  // C: when this rule does not match, the rest of its chain is skipped
  bool next = false;   // N: start the rule set again with the new value
  int skip = 0;        // S=n: when this rule matches, the next n rules are skipped
  int redirect = 0;  // R: 302 unless R=code
  std::vector<std::pair<std::string, std::string>> env;  // E=NAME:VALUE
  std::string where;
};

/// `RewriteMap name type:source` (server and virtual-host context).
struct RewriteMapDef {
  std::string type;    // "txt", "rnd", "int", "prg", "dbm", ...
  std::string source;  // the file, or the internal function's name
  std::string where;
};

/// The value a RewriteMap gives for `key` ("" when it has none: the lookup's default
/// applies); nullopt when this model cannot know it (a program, a database, a random
/// choice among several values, an unreadable file). apache_rewrite_map.cc.
std::optional<std::string> LookUpRewriteMap(const RewriteMapDef& map, const std::string& key);

/// The rewrite configuration of one context.
struct RewriteConfig {
  bool engine = false;
  bool engine_set = false;
  bool inherit = false;  // RewriteOptions Inherit
  bool base_set = false;
  std::string base;       // RewriteBase
  std::string directory;  // per-directory prefix ("/var/www/html/"); empty in server context
  std::vector<RewriteRule> rules;
  std::map<std::string, RewriteMapDef> maps;  // RewriteMap (server and vhost context)
  bool touched = false;   // the context has any rewrite directive
};

/// Appends the rewrite directives of `body` (not of nested sections) to `into`;
/// `where` names a directive's file:line.
void ReadRewrite(const std::vector<Directive>& body,
                 const std::function<std::string(const Directive&)>& where, RewriteConfig& into);

/// The request state the rules see.
struct RewriteInput {
  const Request* request = nullptr;
  std::string uri;            // REQUEST_URI (the current one)
  std::string filename;       // REQUEST_FILENAME (server context: the URI)
  std::string document_root;
  const FileView* files = nullptr;
  std::map<std::string, std::string>* env = nullptr;
  const std::map<std::string, RewriteMapDef>* maps = nullptr;  // for ${map:key|default}
};

enum class RewriteAction {
  kNone,      // nothing rewritten (or only "-" rules)
  kInternal,  // a new URL-path: processing restarts with it (per-dir, or server [PT])
  kFile,      // server context: the request now maps to this file
  kRedirect,  // external redirect (status, Location)
  kForbidden, // [F]
  kGone,      // [G]
  kProxy,     // [P]
  kUnknown,   // a pattern this model cannot evaluate
};

struct RewriteOutcome {
  RewriteAction action = RewriteAction::kNone;
  std::string target;  // new URI, file, Location or proxy URL
  int status = 0;
  bool end = false;    // [END]: no further rewriting in this request
  std::string where;   // the deciding rule
};

/// Runs the rules of `config` (which must have its engine on) for the input.
RewriteOutcome RunRewrite(const RewriteConfig& config, const RewriteInput& input);

/// Searches `subject` for the PCRE `pattern` (translated to ECMAScript); false, with
/// `*ok` false, when the pattern cannot be translated.
bool RegexSearch(const std::string& pattern, const std::string& subject, bool nocase,
                 std::vector<std::string>* groups, bool* ok);

}  // namespace dcv::apache
