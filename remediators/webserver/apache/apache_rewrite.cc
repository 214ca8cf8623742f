// Evaluates mod_rewrite rule sets the way mod_rewrite.c does for one request. In server
// context the pattern sees the URL-path and a substitution becomes a file (the first path
// segment exists) or DocumentRoot + path; in per-directory context (<Directory>,
// .htaccess) the directory prefix is stripped before matching and a relative
// substitution gets RewriteBase (or the directory) in front, then processing restarts
// with the new URL-path. Conditions chain with [OR]; %N refers to the last matched
// condition, $N to the rule. PCRE patterns are run with std::regex (ECMAScript), which
// has the lookaheads and classes the configurations in the corpus use.
#include "remediators/webserver/apache/apache_rewrite.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

namespace dcv::apache {
namespace {

void ParseFlags(const std::string& text, RewriteRule& rule) {
  std::string inner = text;
  if (!inner.empty() && inner.front() == '[') inner = inner.substr(1);
  if (!inner.empty() && inner.back() == ']') inner.pop_back();
  size_t start = 0;
  while (start <= inner.size()) {
    size_t comma = inner.find(',', start);
    std::string flag = inner.substr(start, comma == std::string::npos ? std::string::npos
                                                                      : comma - start);
    start = comma == std::string::npos ? inner.size() + 1 : comma + 1;
    std::string key = Lower(flag.substr(0, flag.find('=')));
    std::string value = flag.find('=') == std::string::npos ? "" : flag.substr(flag.find('=') + 1);
    if (key == "l" || key == "last") rule.last = true;
    if (key == "end") rule.end = rule.last = true;
    if (key == "nc" || key == "nocase") rule.nocase = true;
    if (key == "p" || key == "proxy") rule.proxy = rule.last = true;
    if (key == "f" || key == "forbidden") rule.forbidden = true;
    if (key == "g" || key == "gone") rule.gone = true;
    if (key == "pt" || key == "passthrough") rule.passthrough = true;
    if (key == "c" || key == "chain") rule.chain = true;
    if (key == "n" || key == "next") rule.next = true;
    if (key == "s" || key == "skip") rule.skip = std::atoi(value.c_str());
    if (key == "e" || key == "env") {
      size_t colon = value.find(':');
      rule.env.emplace_back(value.substr(0, colon),
                            colon == std::string::npos ? "" : value.substr(colon + 1));
    }
    if (key == "r" || key == "redirect") {
      std::string v = Lower(value);
      rule.redirect = v.empty() || v == "temp" ? 302
                      : v == "permanent"       ? 301
                      : v == "seeother"        ? 303
                                               : std::atoi(v.c_str());
    }
  }
}

std::string Variable(const std::string& name, const RewriteInput& in) {
  const Request& r = *in.request;
  if (name.rfind("ENV:", 0) == 0) {
    auto it = in.env->find(name.substr(4));
    return it == in.env->end() ? "" : it->second;
  }
  if (name.rfind("HTTP:", 0) == 0) return "";  // the CA sends no such headers
  if (name == "HTTP_HOST" || name == "SERVER_NAME") return r.host;
  if (name == "HTTPS") return r.scheme == "https" ? "on" : "off";
  if (name == "REQUEST_SCHEME") return r.scheme;
  if (name == "SERVER_PORT") return std::to_string(r.port);
  if (name == "REQUEST_URI") return in.uri;
  if (name == "REQUEST_FILENAME" || name == "SCRIPT_FILENAME") return in.filename;
  if (name == "DOCUMENT_ROOT") return in.document_root;
  if (name == "THE_REQUEST") return "GET " + r.uri + " HTTP/1.1";
  if (name == "REQUEST_METHOD") return "GET";
  return "";
}

std::optional<std::string> Expand(const std::string& s, const RewriteInput& in,
                                  const std::vector<std::string>& rule_groups,
                                  const std::vector<std::string>& cond_groups);

/// `${name:key|default}` at `s[i]` (i at '$'); advances `i` past the closing brace.
std::optional<std::string> MapLookup(const std::string& s, size_t& i, const RewriteInput& in,
                                     const std::vector<std::string>& rule_groups,
                                     const std::vector<std::string>& cond_groups) {
  size_t depth = 0, end = i + 1;
  for (; end < s.size(); ++end) {
    if (s[end] == '{') ++depth;
    if (s[end] == '}' && --depth == 0) break;
  }
  if (end >= s.size()) return std::nullopt;
  std::string inner = s.substr(i + 2, end - i - 2);
  i = end;
  size_t colon = inner.find(':');
  if (colon == std::string::npos || in.maps == nullptr) return std::nullopt;
  auto def = in.maps->find(inner.substr(0, colon));
  if (def == in.maps->end()) return std::nullopt;
  std::string rest = inner.substr(colon + 1);
  size_t bar = rest.find('|');
  std::optional<std::string> key = Expand(rest.substr(0, bar), in, rule_groups, cond_groups);
  std::optional<std::string> fallback =
      bar == std::string::npos ? std::string() : Expand(rest.substr(bar + 1), in, rule_groups, cond_groups);
  if (!key || !fallback) return std::nullopt;
  std::optional<std::string> value = LookUpRewriteMap(def->second, *key);
  if (!value) return std::nullopt;
  return value->empty() ? *fallback : *value;
}

/// Expands %{VAR}, $N, %N and ${map:key|default}; nullopt when a map cannot be known.
std::optional<std::string> Expand(const std::string& s, const RewriteInput& in,
                                  const std::vector<std::string>& rule_groups,
                                  const std::vector<std::string>& cond_groups) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      out += s[++i];
    } else if (c == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      std::optional<std::string> mapped = MapLookup(s, i, in, rule_groups, cond_groups);
      if (!mapped) return std::nullopt;
      out += *mapped;
    } else if (c == '%' && i + 1 < s.size() && s[i + 1] == '{') {
      size_t end = s.find('}', i);
      if (end == std::string::npos) { out += s.substr(i); break; }
      out += Variable(s.substr(i + 2, end - i - 2), in);
      i = end;
    } else if ((c == '$' || c == '%') && i + 1 < s.size() && std::isdigit(s[i + 1])) {
      size_t n = static_cast<size_t>(s[++i] - '0');
      const std::vector<std::string>& g = c == '$' ? rule_groups : cond_groups;
      if (n < g.size()) out += g[n];
    } else {
      out += c;
    }
  }
  return out;
}

/// One condition; `groups` receives its captures when it is a matching regex.
bool CondHolds(const RewriteCond& cond, const RewriteInput& in,
               const std::vector<std::string>& rule_groups,
               std::vector<std::string>& cond_groups, bool* ok) {
  std::optional<std::string> expanded = Expand(cond.test, in, rule_groups, cond_groups);
  if (!expanded) {
    *ok = false;
    return false;
  }
  const std::string& value = *expanded;
  std::string p = cond.pattern;
  bool negate = !p.empty() && p[0] == '!';
  if (negate) p = p.substr(1);
  bool holds = false;
  auto fold = [&](std::string s) { return cond.nocase ? Lower(s) : s; };
  if (p == "-f" || p == "-F" || p == "-s" || p == "-U") {
    holds = in.files->is_file(value);
  } else if (p == "-d") {
    holds = in.files->is_dir(value);
  } else if (p == "-l" || p == "-L" || p == "-h" || p == "-x") {
    holds = false;
  } else if (!p.empty() && p[0] == '=') {
    std::string rhs = p.substr(1);
    if (rhs == "\"\"") rhs.clear();
    holds = fold(value) == fold(rhs);
  } else if (!p.empty() && (p[0] == '<' || p[0] == '>')) {
    std::string rhs = p.substr(p.size() > 1 && p[1] == '=' ? 2 : 1);
    int cmp = fold(value).compare(fold(rhs));
    holds = p[0] == '<' ? (p[1] == '=' ? cmp <= 0 : cmp < 0) : (p[1] == '=' ? cmp >= 0 : cmp > 0);
  } else {
    std::vector<std::string> groups;
    holds = RegexSearch(p, value, cond.nocase, &groups, ok);
    if (holds && !negate) cond_groups = groups;
  }
  return holds != negate;
}

bool CondsHold(const RewriteRule& rule, const RewriteInput& in,
               const std::vector<std::string>& rule_groups, std::vector<std::string>& cond_groups,
               bool* ok) {
  size_t i = 0;
  while (i < rule.conds.size()) {
    bool holds = CondHolds(rule.conds[i], in, rule_groups, cond_groups, ok);
    if (rule.conds[i].ornext) {
      if (!holds) { ++i; continue; }
      while (i < rule.conds.size() && rule.conds[i].ornext) ++i;
      ++i;  // the last condition of the [OR] chain
      continue;
    }
    if (!holds) return false;
    ++i;
  }
  return true;
}

bool IsAbsoluteUrl(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("ws://", 0) == 0 ||
         s.rfind("wss://", 0) == 0 || s.rfind("fcgi://", 0) == 0;
}

std::string Origin(const Request& r) {
  bool default_port = (r.scheme == "http" && r.port == 80) || (r.scheme == "https" && r.port == 443);
  return r.scheme + "://" + r.host + (default_port ? "" : ":" + std::to_string(r.port));
}

}  // namespace

bool RegexSearch(const std::string& pattern, const std::string& subject, bool nocase,
                 std::vector<std::string>* groups, bool* ok) {
  try {
    auto flags = std::regex::ECMAScript | (nocase ? std::regex::icase : std::regex::ECMAScript);
    std::regex re(pattern, flags);
    std::smatch m;
    if (!std::regex_search(subject, m, re)) return false;
    if (groups) {
      groups->clear();
      for (const auto& g : m) groups->push_back(g.str());
    }
    return true;
  } catch (const std::regex_error&) {
    if (ok) *ok = false;
    return false;
  }
}

void ReadRewrite(const std::vector<Directive>& body,
                 const std::function<std::string(const Directive&)>& where, RewriteConfig& into) {
  std::vector<RewriteCond> pending;
  for (const Directive& d : body) {
    if (d.section) continue;
    if (d.Is("RewriteEngine")) {
      into.engine = EqualsNoCase(d.Arg(0), "on");
      into.engine_set = into.touched = true;
    } else if (d.Is("RewriteBase")) {
      into.base = d.Arg(0);
      into.base_set = into.touched = true;
    } else if (d.Is("RewriteOptions")) {
      for (const std::string& a : d.args) into.inherit = into.inherit || EqualsNoCase(a, "Inherit");
      into.touched = true;
    } else if (d.Is("RewriteMap") && d.args.size() >= 2) {
      size_t colon = d.args[1].find(':');
      into.maps[d.args[0]] = RewriteMapDef{Lower(d.args[1].substr(0, colon)),
                                           colon == std::string::npos ? "" : d.args[1].substr(colon + 1), where(d)};
    } else if (d.Is("RewriteCond") && d.args.size() >= 2) {
      RewriteCond c{d.args[0], d.args[1], false, false, where(d)};
      std::string flags = Lower(d.Arg(2));
      c.nocase = flags.find("nc") != std::string::npos || flags.find("nocase") != std::string::npos;
      c.ornext = flags.find("or") != std::string::npos;
      pending.push_back(std::move(c));
    } else if (d.Is("RewriteRule") && d.args.size() >= 2) {
      RewriteRule r;
      r.pattern = d.args[0];
      r.substitution = d.args[1];
      if (d.args.size() >= 3) ParseFlags(d.args[2], r);
      r.conds = std::move(pending);
      pending.clear();
      r.where = where(d);
      into.rules.push_back(std::move(r));
      into.touched = true;
    }
  }
}

RewriteOutcome RunRewrite(const RewriteConfig& config, const RewriteInput& input) {
  RewriteInput in = input;
  bool per_dir = !config.directory.empty();
  std::string value = per_dir ? in.filename : in.uri;
  bool changed = false;
  bool passthrough = false;
  RewriteOutcome out;
  int restarts = 0;
  for (size_t index = 0; index < config.rules.size(); ++index) {
    const RewriteRule& rule = config.rules[index];
    std::string subject = value;
    if (per_dir && subject.rfind(config.directory, 0) == 0) subject = subject.substr(config.directory.size());
    std::string pattern = rule.pattern;
    bool negate = !pattern.empty() && pattern[0] == '!';
    if (negate) pattern = pattern.substr(1);
    bool ok = true;
    std::vector<std::string> groups;
    bool matched = RegexSearch(pattern, subject, rule.nocase, &groups, &ok) != negate;
    std::vector<std::string> cond_groups;
    if (matched) matched = CondsHold(rule, in, groups, cond_groups, &ok);
    if (!ok) return RewriteOutcome{RewriteAction::kUnknown, rule.pattern, 0, false, rule.where};
    if (!matched) {
      // [C]: a rule that does not match skips the rest of its chain.
      for (size_t k = index; k < config.rules.size() && config.rules[k].chain; ++k) index = k + 1;
      continue;
    }
    for (const auto& [name, v] : rule.env) {
      std::optional<std::string> expanded = Expand(v, in, groups, cond_groups);
      if (!expanded) return RewriteOutcome{RewriteAction::kUnknown, v, 0, false, rule.where};
      (*in.env)[name] = *expanded;
    }
    out.where = rule.where;
    if (rule.forbidden) return RewriteOutcome{RewriteAction::kForbidden, "", 403, false, rule.where};
    if (rule.gone) return RewriteOutcome{RewriteAction::kGone, "", 410, false, rule.where};
    if (rule.substitution != "-") {
      std::optional<std::string> expanded = Expand(rule.substitution, in, groups, cond_groups);
      if (!expanded) return RewriteOutcome{RewriteAction::kUnknown, rule.substitution, 0, false, rule.where};
      std::string target = expanded->substr(0, expanded->find('?'));
      if (rule.proxy) return RewriteOutcome{RewriteAction::kProxy, target, 0, false, rule.where};
      if (!IsAbsoluteUrl(target) && per_dir && target[0] != '/') {
        target = (config.base_set ? config.base + (config.base.back() == '/' ? "" : "/")
                                  : config.directory) + target;
      }
      if (rule.redirect || IsAbsoluteUrl(target)) {
        if (!IsAbsoluteUrl(target)) {
          if (!config.base_set && per_dir && target.rfind(in.document_root, 0) == 0) {
            target = target.substr(in.document_root.size());
          }
          target = Origin(*in.request) + target;
        }
        return RewriteOutcome{RewriteAction::kRedirect, target, rule.redirect ? rule.redirect : 302,
                              false, rule.where};
      }
      value = target;
      changed = true;
      passthrough = passthrough || rule.passthrough;
      if (per_dir) in.filename = value; else in.uri = value;
    }
    if (rule.last || rule.end) {
      out.end = rule.end;
      break;
    }
    if (rule.next) {  // [N]: the whole rule set again, on the new value
      if (++restarts > 100) return RewriteOutcome{RewriteAction::kUnknown, rule.pattern, 0, false, rule.where};
      index = static_cast<size_t>(-1);
      continue;
    }
    index += static_cast<size_t>(std::max(rule.skip, 0));  // [S=n]
  }
  if (!changed) {
    out.action = RewriteAction::kNone;
    return out;
  }
  out.target = value;
  if (per_dir) {
    if (!config.base_set && value.rfind(in.document_root, 0) == 0) {
      out.target = "/" + value.substr(in.document_root.size() +
                                      (value.size() > in.document_root.size() &&
                                               value[in.document_root.size()] == '/'
                                           ? 1 : 0));
    }
    out.action = RewriteAction::kInternal;
  } else if (passthrough) {
    out.action = RewriteAction::kInternal;
  } else {
    // A file path when its first segment exists, else a URL-path under DocumentRoot.
    std::string first = value.substr(0, value.find('/', 1));
    if (!in.files->is_dir(first)) out.target = in.document_root + value;
    out.action = RewriteAction::kFile;
  }
  return out;
}

}  // namespace dcv::apache
