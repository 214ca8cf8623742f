// The request cycle of httpd for one GET, phase by phase as the modules hook in:
// translate_name (mod_proxy's ProxyPass first, then server-context mod_rewrite, then
// mod_alias: redirects before aliases, the vhost's entries before the main server's, then
// DocumentRoot), map_to_storage (the section walk, apache_sections.cc), access checks,
// fixups (per-directory mod_rewrite, then per-directory Redirect, then mod_dir's
// DirectoryIndex / FallbackResource) and the default handler. An internal redirect (a
// per-directory rewrite, FallbackResource) restarts the cycle, at most ten times.
#include "remediators/webserver/apache/apache_predict.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "remediators/webserver/apache/apache_rewrite.h"
#include "remediators/webserver/apache/apache_sections.h"

namespace dcv::apache {

FileView RealFiles() {
  FileView v;
  v.is_file = [](const std::string& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
  };
  v.is_dir = [](const std::string& p) {
    std::error_code ec;
    return std::filesystem::is_directory(p, ec);
  };
  v.read = [](const std::string& p) -> std::optional<std::string> {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) return std::nullopt;
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  return v;
}

namespace {

using WhereFn = std::function<std::string(const Directive&)>;

const Directive* LastDirective(const std::vector<Directive>& body, std::string_view name) {
  const Directive* found = nullptr;
  for (const Directive& d : body) {
    if (!d.section && d.Is(name)) found = &d;
  }
  return found;
}

/// The server-level settings of the selected vhost (merged with the main server).
struct ServerLevel {
  std::string docroot;
  std::string docroot_where;
  RewriteConfig rewrite;
  std::vector<RedirectRule> redirects;  // vhost first, then main
  struct Alias { bool regex; std::string path, target, where; };
  std::vector<Alias> aliases;
  struct Proxy { std::string path, target, where; };
  std::vector<Proxy> proxies;  // main first, then vhost
};

ServerLevel ReadServerLevel(const Config& config, const Vhost& vhost) {
  ServerLevel s;
  WhereFn where = [&config](const Directive& d) { return config.Where(d); };
  std::tie(s.docroot, s.docroot_where) = DocumentRootOf(config, vhost);
  RewriteConfig main_rw, vhost_rw;
  ReadRewrite(config.root, where, main_rw);
  if (vhost.directive) ReadRewrite(vhost.directive->children, where, vhost_rw);
  s.rewrite = vhost.directive ? vhost_rw : main_rw;
  s.rewrite.engine = vhost_rw.engine_set ? vhost_rw.engine : main_rw.engine;
  if (vhost.directive && vhost_rw.inherit) {
    s.rewrite.rules.insert(s.rewrite.rules.end(), main_rw.rules.begin(), main_rw.rules.end());
  }
  s.rewrite.maps.insert(main_rw.maps.begin(), main_rw.maps.end());  // a vhost's own map wins
  s.rewrite.directory.clear();
  std::vector<const std::vector<Directive>*> bodies;
  if (vhost.directive) bodies.push_back(&vhost.directive->children);
  bodies.push_back(&config.root);
  for (const auto* body : bodies) {
    std::vector<RedirectRule> r = ReadRedirects(*body, where);
    s.redirects.insert(s.redirects.end(), r.begin(), r.end());
    for (const Directive& d : *body) {
      if (d.section || d.args.size() < 2) continue;
      bool regex = d.Is("AliasMatch") || d.Is("ScriptAliasMatch");
      if (regex || d.Is("Alias") || d.Is("ScriptAlias")) {
        s.aliases.push_back({regex, d.args[0], d.args[1], config.Where(d)});
      }
    }
  }
  for (auto it = bodies.rbegin(); it != bodies.rend(); ++it) {
    for (const Directive& d : **it) {
      if (!d.section && d.Is("ProxyPass") && d.args.size() >= 2) {
        s.proxies.push_back({d.args[0], d.args[1], config.Where(d)});
      }
    }
  }
  return s;
}

std::string Origin(const Request& r) {
  bool default_port = (r.scheme == "http" && r.port == 80) || (r.scheme == "https" && r.port == 443);
  return r.scheme + "://" + r.host + (default_port ? "" : ":" + std::to_string(r.port));
}

Answer Make(Outcome outcome, int status, std::string source, std::string note) {
  Answer a;
  a.outcome = outcome;
  a.status = status;
  a.source = std::move(source);
  a.note = std::move(note);
  return a;
}

/// The translate phase: an answer, or (nullopt) the file the URI maps to; a [PT] rewrite
/// replaces `uri` (the sections are then walked for the new URL-path).
std::optional<Answer> Translate(const ServerLevel& s, const Request& request,
                                std::string& uri, const FileView& files,
                                std::map<std::string, std::string>& env, std::string& filename,
                                bool& rewrite_end) {
  for (const ServerLevel::Proxy& p : s.proxies) {
    if (!PathPrefixMatches(p.path, uri)) continue;
    if (p.target == "!") break;
    Answer a = Make(Outcome::kUpstream, 0, p.where, "ProxyPass");
    a.upstream = p.target;
    return a;
  }
  std::string current = uri;
  if (s.rewrite.engine && !s.rewrite.rules.empty()) {
    RewriteInput in{&request, uri, uri, s.docroot, &files, &env, &s.rewrite.maps};
    RewriteOutcome r = RunRewrite(s.rewrite, in);
    rewrite_end = r.end;
    switch (r.action) {
      case RewriteAction::kRedirect: {
        Answer a = Make(Outcome::kRedirect, r.status, r.where, "RewriteRule redirect");
        a.location = r.target;
        return a;
      }
      case RewriteAction::kForbidden:
      case RewriteAction::kGone:
        return Make(Outcome::kStatus, r.status, r.where, "RewriteRule flag");
      case RewriteAction::kProxy: {
        Answer a = Make(Outcome::kUpstream, 0, r.where, "RewriteRule [P]");
        a.upstream = r.target;
        return a;
      }
      case RewriteAction::kUnknown:
        return Make(Outcome::kUnknown, 0, r.where, "unsupported pattern " + r.target);
      case RewriteAction::kFile:
        filename = r.target;
        return std::nullopt;
      case RewriteAction::kInternal:  // [PT]: the new URL-path goes on to mod_alias
        current = r.target;
        uri = r.target;
        break;
      case RewriteAction::kNone:
        break;
    }
  }
  int status = 0;
  std::string location, where;
  if (MatchRedirect(s.redirects, current, &status, &location, &where)) {
    Answer a = Make(status >= 300 && status < 400 ? Outcome::kRedirect : Outcome::kStatus, status,
                    where, "Redirect");
    a.location = location;
    return a;
  }
  for (const ServerLevel::Alias& al : s.aliases) {
    if (al.regex) {
      std::vector<std::string> g;
      bool ok = true;
      if (!RegexSearch(al.path, current, false, &g, &ok)) continue;
      std::string t;
      for (size_t i = 0; i < al.target.size(); ++i) {
        if (al.target[i] == '$' && i + 1 < al.target.size() && std::isdigit(al.target[i + 1])) {
          size_t n = static_cast<size_t>(al.target[++i] - '0');
          if (n < g.size()) t += g[n];
        } else {
          t += al.target[i];
        }
      }
      filename = t;
      return std::nullopt;
    }
    if (PathPrefixMatches(al.path, current)) {
      filename = al.target + current.substr(al.path.size());
      return std::nullopt;
    }
  }
  filename = s.docroot + current;
  return std::nullopt;
}

}  // namespace

std::pair<std::string, std::string> DocumentRootOf(const Config& config, const Vhost& vhost) {
  const Directive* d = vhost.directive ? LastDirective(vhost.directive->children, "DocumentRoot")
                                       : nullptr;
  if (d == nullptr) d = LastDirective(config.root, "DocumentRoot");
  std::string root = d ? config.ServerPath(d->Arg(0)) : "/var/www/html";
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return {root, d ? config.Where(*d) : ""};
}

namespace {

/// Per-directory mod_rewrite (fixups): an answer, or a new URI to restart with (`restart`).
std::optional<Answer> PerDirRewrite(const PerDir& pd, const Request& request,
                                    const std::string& filename, const std::string& docroot,
                                    const FileView& files, std::map<std::string, std::string>& env,
                                    std::string& uri, bool& rewrite_end, bool& restart) {
  RewriteInput in{&request, uri, filename, docroot, &files, &env};
  RewriteOutcome r = RunRewrite(pd.rewrite, in);
  rewrite_end = rewrite_end || r.end;
  Answer a = Make(Outcome::kStatus, r.status, r.where, "per-directory RewriteRule");
  a.via_htaccess = r.where.find("/.htaccess:") != std::string::npos;
  switch (r.action) {
    case RewriteAction::kRedirect:
      a.outcome = Outcome::kRedirect;
      a.location = r.target;
      return a;
    case RewriteAction::kForbidden:
    case RewriteAction::kGone:
      return a;
    case RewriteAction::kProxy:
    case RewriteAction::kUnknown:
      a.outcome = r.action == RewriteAction::kProxy ? Outcome::kUpstream : Outcome::kUnknown;
      a.upstream = r.target;
      return a;
    case RewriteAction::kInternal:
      restart = r.target != uri;
      if (restart) uri = r.target;
      return std::nullopt;
    case RewriteAction::kFile:
    case RewriteAction::kNone:
      return std::nullopt;
  }
  return std::nullopt;
}

/// The content phase: mod_dir (trailing slash, DirectoryIndex), SetHandler proxy,
/// FallbackResource (sets `restart`), the file or 404.
std::optional<Answer> Content(const PerDir& pd, const ServerLevel& server, const Request& request,
                              const FileView& files, std::string filename, std::string& uri,
                              bool& restart) {
  if (files.is_dir(filename)) {
    if (uri.empty() || uri.back() != '/') {
      Answer a = Make(Outcome::kRedirect, 301, "", "mod_dir trailing slash");
      a.location = Origin(request) + uri + "/";
      return a;
    }
    for (const std::string& index : pd.index) {
      if (files.is_file(filename + index)) {
        filename += index;
        break;
      }
    }
    if (files.is_dir(filename)) return Make(Outcome::kStatus, pd.indexes ? 200 : 403, "", "directory");
  }
  if (!pd.proxy_handler.empty() && files.is_file(filename)) {
    Answer a = Make(Outcome::kUpstream, 0, pd.proxy_where, "SetHandler");
    a.upstream = pd.proxy_handler;
    return a;
  }
  if (!files.is_file(filename) && !pd.fallback.empty() && uri != pd.fallback) {
    uri = pd.fallback;
    restart = true;
    return std::nullopt;
  }
  Answer a = Make(Outcome::kFile, files.is_file(filename) ? 200 : 404, server.docroot_where,
                  "static file");
  a.file = filename;
  if (filename == server.docroot + uri) a.docroot = server.docroot;
  return a;
}

}  // namespace

Answer Predict(const Config& config, const Vhost& vhost, const Request& request,
               const FileView& files) {
  ServerLevel server = ReadServerLevel(config, vhost);
  std::map<std::string, std::string> env;
  std::string uri = request.uri;
  bool rewrite_end = false;
  for (int round = 0; round < 10; ++round) {
    std::string filename;
    if (std::optional<Answer> a = Translate(server, request, uri, files, env, filename, rewrite_end)) {
      return *a;
    }
    std::string errors;
    PerDir pd = WalkSections(config, vhost, request, filename, uri, files, &errors);
    if (!errors.empty()) return Make(Outcome::kStatus, 500, "", errors);
    if (!pd.unknown_where.empty()) {
      return Make(Outcome::kUnknown, 0, pd.unknown_where, "an <If> expression that the request does not decide");
    }
    if (pd.access == PerDir::Access::kDenied || pd.access == PerDir::Access::kAuth) {
      bool denied = pd.access == PerDir::Access::kDenied;
      Answer a = Make(Outcome::kStatus, denied ? 403 : 401, pd.access_where,
                      denied ? "access denied" : "authentication");
      a.via_htaccess = pd.htaccess_decided;
      return a;
    }
    bool restart = false;
    if (pd.rewrite.engine && !pd.rewrite.rules.empty() && !rewrite_end) {
      std::optional<Answer> a = PerDirRewrite(pd, request, filename, server.docroot, files, env, uri,
                                              rewrite_end, restart);
      if (a) return *a;
      if (restart) continue;
    }
    int status = 0;
    std::string location, where;
    if (MatchRedirect(pd.redirects, uri, &status, &location, &where)) {
      Answer a = Make(status >= 300 && status < 400 ? Outcome::kRedirect : Outcome::kStatus,
                      status, where, "Redirect in a section");
      a.location = location;
      return a;
    }
    std::optional<Answer> a = Content(pd, server, request, files, filename, uri, restart);
    if (a) return *a;
  }
  return Make(Outcome::kStatus, 500, "", "more than 10 internal redirects");
}

std::string DescribeAnswer(const Answer& a) {
  switch (a.outcome) {
    case Outcome::kFile:
      return std::to_string(a.status) + " " + a.file;
    case Outcome::kUpstream:
      return "upstream " + a.upstream;
    case Outcome::kRedirect:
      return std::to_string(a.status) + " -> " + a.location;
    case Outcome::kStatus:
      return std::to_string(a.status) + (a.note.empty() ? "" : " (" + a.note + ")");
    case Outcome::kUnknown:
      return "unknown (" + a.note + ")";
  }
  return "?";
}

}  // namespace dcv::apache
