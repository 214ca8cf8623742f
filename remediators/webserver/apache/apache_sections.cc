// httpd's directory walk for one request, in its merge order: the main server's and the
// vhost's <Directory> sections by path depth (shortest first, file order within a depth),
// each level followed by its .htaccess when AllowOverride is not None there; then
// <DirectoryMatch> / <Directory ~>; then <Files>/<FilesMatch> on the file name (the
// server's and those nested in the sections that applied); then <Location>/
// <LocationMatch> on the URL-path in file order. A later section overrides: Require
// (AuthMerging Off), Order/Allow/Deny (mod_access_compat, checked as well: both must
// pass), the rewrite rules (mod_rewrite replaces the rule list of every merged section
// unless RewriteOptions Inherit; RewriteEngine is inherited), FallbackResource.
// Redirects in sections accumulate, the later section's first. <If>/<ElseIf>/<Else> come
// last (after <Location>, as in httpd): the first branch of each chain whose expression
// holds for the CA's request is merged; an expression that cannot be known marks the
// walk unknown rather than picking a branch.
#include "remediators/webserver/apache/apache_sections.h"

#include <fnmatch.h>

#include <algorithm>
#include <memory>

#include "remediators/webserver/apache/apache_expr.h"

namespace dcv::apache {
namespace {

using WhereFn = std::function<std::string(const Directive&)>;

int Depth(const std::string& path) {
  int n = 0;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '/' && (i == 0 || path[i - 1] == '/')) ++n;
  }
  return n;
}

std::string Trimmed(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

int RedirectStatus(const std::string& word, bool* is_status) {
  std::string w = Lower(word);
  *is_status = true;
  if (w == "permanent") return 301;
  if (w == "temp") return 302;
  if (w == "seeother") return 303;
  if (w == "gone") return 410;
  if (!w.empty() && std::all_of(w.begin(), w.end(), ::isdigit)) return std::atoi(w.c_str());
  *is_status = false;
  return 302;
}

/// The access decision of one section body (Require and mod_access_compat).
void ApplyAccess(const std::vector<Directive>& body, const WhereFn& where,
                 PerDir& pd, bool* compat_denied) {
  bool has_require = false, granted = false, auth = false;
  std::string require_where;
  bool has_compat = false, allow_all = false, deny_all = false, deny_first = false;
  std::string compat_where;
  std::function<void(const std::vector<Directive>&)> visit = [&](const std::vector<Directive>& list) {
    for (const Directive& d : list) {
      if (d.section) {
        if (d.Is("RequireAll") || d.Is("RequireAny") || d.Is("RequireNone")) visit(d.children);
        continue;
      }
      if (d.Is("Require")) {
        has_require = true;
        if (require_where.empty()) require_where = where(d);
        std::string kind = Lower(d.Arg(0));
        if (kind == "all" && EqualsNoCase(d.Arg(1), "granted")) granted = true;
        if (kind == "valid-user" || kind == "user" || kind == "group") auth = true;
      } else if (d.Is("Order") || d.Is("Allow") || d.Is("Deny")) {
        has_compat = true;
        if (compat_where.empty()) compat_where = where(d);
        std::string arg = Lower(d.Arg(0) + " " + d.Arg(1));
        if (d.Is("Order")) deny_first = Lower(d.Arg(0)).rfind("deny", 0) == 0;
        if (d.Is("Allow") && arg == "from all") allow_all = true;
        if (d.Is("Deny") && arg == "from all") deny_all = true;
      }
    }
  };
  visit(body);
  if (has_require) {
    pd.access = granted ? PerDir::Access::kGranted
                : auth  ? PerDir::Access::kAuth
                        : PerDir::Access::kDenied;
    pd.access_where = require_where;
  }
  if (has_compat) {
    bool allowed = deny_first ? (!deny_all || allow_all) : (allow_all && !deny_all);
    *compat_denied = !allowed;
    if (!allowed) pd.access_where = compat_where;
  }
}

}  // namespace

bool PathPrefixMatches(const std::string& prefix, const std::string& uri) {
  if (uri.rfind(prefix, 0) != 0) return false;
  return prefix.empty() || prefix.back() == '/' || uri.size() == prefix.size() ||
         uri[prefix.size()] == '/';
}

std::vector<RedirectRule> ReadRedirects(const std::vector<Directive>& body, const WhereFn& where) {
  std::vector<RedirectRule> out;
  for (const Directive& d : body) {
    if (d.section) continue;
    bool match = d.Is("RedirectMatch");
    if (!match && !d.Is("Redirect") && !d.Is("RedirectPermanent") && !d.Is("RedirectTemp")) {
      continue;
    }
    RedirectRule r;
    r.regex = match;
    r.where = where(d);
    std::vector<std::string> a = d.args;
    bool is_status = false;
    if (d.Is("RedirectPermanent")) {
      r.status = 301;
    } else if (d.Is("RedirectTemp")) {
      r.status = 302;
    } else if (!a.empty()) {
      int s = RedirectStatus(a[0], &is_status);
      if (is_status) {
        r.status = s;
        a.erase(a.begin());
      }
    }
    r.path = a.empty() ? "" : a[0];
    r.target = a.size() > 1 ? a[1] : "";
    out.push_back(std::move(r));
  }
  return out;
}

bool MatchRedirect(const std::vector<RedirectRule>& redirects, const std::string& uri, int* status,
                   std::string* location, std::string* where) {
  for (const RedirectRule& r : redirects) {
    std::string target;
    if (r.regex) {
      std::vector<std::string> g;
      bool ok = true;
      if (!RegexSearch(r.path, uri, false, &g, &ok)) continue;
      for (size_t i = 0; i < r.target.size(); ++i) {
        if (r.target[i] == '$' && i + 1 < r.target.size() && std::isdigit(r.target[i + 1])) {
          size_t n = static_cast<size_t>(r.target[++i] - '0');
          if (n < g.size()) target += g[n];
        } else {
          target += r.target[i];
        }
      }
    } else {
      if (!PathPrefixMatches(r.path, uri)) continue;
      target = r.target.empty() ? "" : r.target + uri.substr(r.path.size());
    }
    *status = r.status;
    *location = r.status >= 300 && r.status < 400 ? target : "";
    *where = r.where;
    return true;
  }
  return false;
}

namespace {

bool IsIfSection(const Directive& d) { return d.Is("If") || d.Is("ElseIf") || d.Is("Else"); }

/// Applies one section (or .htaccess) body to the per-directory state.
void ApplyBody(const std::vector<Directive>& body, const WhereFn& where,
               const std::string& directory, bool htaccess, PerDir& pd, bool* compat_denied,
               std::vector<std::pair<const Directive*, WhereFn>>& files_sections) {
  PerDir::Access before = pd.access;
  ApplyAccess(body, where, pd, compat_denied);
  RewriteConfig rw;
  ReadRewrite(body, where, rw);
  RewriteConfig merged;
  merged.engine = rw.engine_set ? rw.engine : pd.rewrite.engine;
  merged.engine_set = rw.engine_set || pd.rewrite.engine_set;
  merged.base_set = rw.base_set || pd.rewrite.base_set;
  merged.base = rw.base_set ? rw.base : pd.rewrite.base;
  merged.inherit = rw.inherit;
  merged.directory = directory;
  merged.rules = rw.rules;
  if (rw.inherit) merged.rules.insert(merged.rules.begin(), pd.rewrite.rules.begin(), pd.rewrite.rules.end());
  pd.rewrite = std::move(merged);
  if (htaccess && (pd.access != before || !rw.rules.empty())) pd.htaccess_decided = true;
  std::vector<RedirectRule> redirects = ReadRedirects(body, where);
  pd.redirects.insert(pd.redirects.begin(), redirects.begin(), redirects.end());
  for (const Directive& d : body) {
    if (d.section && (d.Is("Files") || d.Is("FilesMatch") || IsIfSection(d))) files_sections.emplace_back(&d, where);
    if (d.section) continue;
    if (d.Is("AllowOverride")) pd.override_none = EqualsNoCase(d.Arg(0), "None");
    if (d.Is("FallbackResource")) {
      pd.fallback = EqualsNoCase(d.Arg(0), "disabled") ? "" : d.Arg(0);
      pd.fallback_where = where(d);
    }
    if (d.Is("DirectoryIndex")) pd.index = d.args;
    if (d.Is("SetHandler") && Lower(d.Arg(0)).rfind("proxy:", 0) == 0) {
      pd.proxy_handler = d.Arg(0).substr(6);
      pd.proxy_where = where(d);
    }
    if (d.Is("Options")) {
      for (const std::string& o : d.args) {
        if (EqualsNoCase(o, "Indexes") || EqualsNoCase(o, "+Indexes") || EqualsNoCase(o, "All")) pd.indexes = true;
        if (EqualsNoCase(o, "-Indexes")) pd.indexes = false;
      }
    }
  }
}

bool SectionIsRegex(const Directive& d) {
  return d.Is("DirectoryMatch") || d.Is("FilesMatch") || d.Is("LocationMatch") ||
         d.Arg(0) == "~";
}
std::string SectionPattern(const Directive& d) { return d.Arg(0) == "~" ? d.Arg(1) : d.Arg(0); }

}  // namespace

namespace {

using FilesList = std::vector<std::pair<const Directive*, WhereFn>>;

/// One request's walk: the sections in play and the state they build.
class Walk {
 public:
  Walk(const Config& config, const Vhost& vhost, const Request& request, const FileView& files)
      : config_(config), request_(request), files_(files),
        where_([&config](const Directive& d) { return config.Where(d); }) {
    for (const auto* body : {&config.root, &vhost.Body(config)}) {
      for (const Directive& d : *body) {
        if (d.section && !d.Is("VirtualHost")) sections_.push_back(&d);
      }
      ApplyBody(*body, where_, "", false, pd_, &compat_denied_, files_sections_);
      if (vhost.directive == nullptr) break;
    }
    pd_.rewrite = RewriteConfig{};  // server-context rewrite and redirects are not per-directory
    pd_.redirects.clear();
    files_sections_.clear();
    for (const Directive* s : sections_) {
      if (s->Is("Files") || s->Is("FilesMatch") || IsIfSection(*s)) files_sections_.emplace_back(s, where_);
    }
  }

  /// <Directory> by depth, each level's .htaccess, then the regex directory sections.
  void Directories(const std::string& dir, std::string* errors) {
    std::vector<std::string> levels{"/"};
    for (size_t i = 1; i <= dir.size(); ++i) {
      if (i == dir.size() || dir[i] == '/') levels.push_back(dir.substr(0, i));
    }
    if (levels.size() > 1 && levels[1] == "/") levels.erase(levels.begin() + 1);
    for (const std::string& level : levels) {
      std::string slashed = level == "/" ? "/" : level + "/";
      for (const Directive* s : sections_) {
        if (!s->Is("Directory") || SectionIsRegex(*s)) continue;
        std::string path = Trimmed(SectionPattern(*s));
        if (Depth(path) != Depth(level) || fnmatch(path.c_str(), level.c_str(), FNM_PATHNAME) != 0) continue;
        ApplyBody(s->children, where_, slashed, false, pd_, &compat_denied_, files_sections_);
      }
      if (!pd_.override_none) Htaccess(slashed, errors);
    }
    for (const Directive* s : sections_) {
      if (!(s->Is("Directory") || s->Is("DirectoryMatch")) || !SectionIsRegex(*s)) continue;
      bool ok = true;
      if (RegexSearch(SectionPattern(*s), dir + "/", false, nullptr, &ok)) {
        ApplyBody(s->children, where_, dir + "/", false, pd_, &compat_denied_, files_sections_);
      }
    }
  }

  /// <Files>/<FilesMatch> on the file name, then <Location>/<LocationMatch> on the URL-path.
  PerDir FilesAndLocations(const std::string& filename, const std::string& uri) {
    std::string base = filename.substr(filename.rfind('/') + 1);
    FilesList nested;
    for (const auto& [s, where] : files_sections_) {
      if (IsIfSection(*s)) continue;  // merged last
      bool ok = true;
      bool hit = SectionIsRegex(*s) ? RegexSearch(SectionPattern(*s), base, false, nullptr, &ok)
                                    : fnmatch(SectionPattern(*s).c_str(), base.c_str(), 0) == 0;
      if (hit) ApplyBody(s->children, where, pd_.rewrite.directory, false, pd_, &compat_denied_, nested);
    }
    for (const Directive* s : sections_) {
      if (!s->Is("Location") && !s->Is("LocationMatch")) continue;
      bool ok = true;
      std::string pattern = SectionPattern(*s);
      bool hit = SectionIsRegex(*s) ? RegexSearch(pattern, uri, false, nullptr, &ok)
                                    : (PathPrefixMatches(Trimmed(pattern), uri) ||
                                       fnmatch(pattern.c_str(), uri.c_str(), 0) == 0);
      if (hit) ApplyBody(s->children, where_, pattern, false, pd_, &compat_denied_, nested);
    }
    IfChains(filename, uri);
    if (compat_denied_) pd_.access = PerDir::Access::kDenied;
    return pd_;
  }

  /// Each <If> starts a chain that its <ElseIf>/<Else> siblings continue; the first branch
  /// whose expression holds is merged.
  void IfChains(const std::string& filename, const std::string& uri) {
    FilesList ifs;
    for (const auto& entry : files_sections_) {
      if (IsIfSection(*entry.first)) ifs.push_back(entry);
    }
    ExprContext ctx{&request_, uri, filename, "", &files_};
    bool taken = true;  // a stray <ElseIf>/<Else> without its <If> is never merged
    FilesList nested;
    for (const auto& [s, where] : ifs) {
      if (s->Is("If")) taken = false;
      if (taken) continue;
      std::optional<bool> holds = true;
      if (!s->Is("Else")) {
        std::string expr;
        for (const std::string& a : s->args) expr += (expr.empty() ? "" : " ") + a;
        holds = EvalExpr(expr, ctx);
      }
      if (!holds) {
        if (pd_.unknown_where.empty()) pd_.unknown_where = where(*s);
        taken = true;
        continue;
      }
      if (!*holds) continue;
      taken = true;
      ApplyBody(s->children, where, pd_.rewrite.directory, false, pd_, &compat_denied_, nested);
    }
  }

 private:
  void Htaccess(const std::string& dir, std::string* errors) {
    std::string path = dir + ".htaccess";
    std::optional<std::string> text = files_.read(path);
    if (!text) return;
    Result<std::vector<Directive>> parsed = ParseHtaccess(config_, path, *text);
    if (!parsed) {
      if (errors) *errors += parsed.error().message;
      return;
    }
    // the directives live as long as a <Files> section of theirs may be used
    auto keep = std::make_shared<std::vector<Directive>>(std::move(*parsed));
    WhereFn where = [path, keep](const Directive& d) { return path + ":" + std::to_string(d.line); };
    ApplyBody(*keep, where, dir, true, pd_, &compat_denied_, files_sections_);
  }

  const Config& config_;
  const Request& request_;
  const FileView& files_;
  WhereFn where_;
  std::vector<const Directive*> sections_;
  PerDir pd_;
  bool compat_denied_ = false;
  FilesList files_sections_;
};

}  // namespace

PerDir WalkSections(const Config& config, const Vhost& vhost, const Request& request,
                    const std::string& filename, const std::string& uri, const FileView& files,
                    std::string* errors) {
  Walk walk(config, vhost, request, files);
  std::string dir =
      files.is_dir(filename) ? Trimmed(filename) : filename.substr(0, filename.rfind('/'));
  walk.Directories(dir.empty() ? "/" : dir, errors);
  return walk.FilesAndLocations(filename, uri);
}

}  // namespace dcv::apache
