// The per-directory configuration httpd builds for one request (its "directory walk"):
// the sections that apply to a file and URL, merged in httpd's order, and the settings a
// validation request depends on. Used by the predictor; kept apart because it is the part
// of httpd's semantics with the most rules.
#pragma once

#include <string>
#include <vector>

#include "remediators/webserver/apache/apache_config.h"
#include "remediators/webserver/apache/apache_request.h"
#include "remediators/webserver/apache/apache_rewrite.h"
#include "remediators/webserver/apache/apache_vhost.h"

namespace dcv::apache {

/// A Redirect / RedirectMatch / RedirectPermanent / RedirectTemp.
struct RedirectRule {
  bool regex = false;
  std::string path;    // URL-path prefix or regex
  std::string target;  // URL ("" for a non-3xx status)
  int status = 302;
  std::string where;
};

/// Reads the redirects of one body (not of nested sections).
std::vector<RedirectRule> ReadRedirects(const std::vector<Directive>& body,
                                        const std::function<std::string(const Directive&)>& where);

/// Applies `redirects` to `uri`: true and status/location when one matches.
bool MatchRedirect(const std::vector<RedirectRule>& redirects, const std::string& uri,
                   int* status, std::string* location, std::string* where);

/// True if URL-path `uri` is under `prefix` the way Alias/Redirect/Location compare.
bool PathPrefixMatches(const std::string& prefix, const std::string& uri);

/// The merged per-directory configuration.
struct PerDir {
  enum class Access { kUnset, kGranted, kDenied, kAuth };
  Access access = Access::kUnset;
  std::string access_where;
  bool override_none = true;  // AllowOverride None (the 2.4 default)
  RewriteConfig rewrite;
  std::string fallback;        // FallbackResource ("" or "disabled": none)
  std::string fallback_where;
  std::vector<RedirectRule> redirects;
  std::vector<std::string> index{"index.html"};
  bool indexes = false;        // Options Indexes
  std::string proxy_handler;   // SetHandler proxy:... that applies
  std::string proxy_where;
  bool htaccess_decided = false;  // an .htaccess file contributed the access/rewrite rules
  std::string unknown_where;      // an <If> whose expression this model cannot evaluate
};

/// Walks the sections of the main server and `vhost` for `filename` (the mapped file) and
/// `uri`, reading .htaccess files through `files` where AllowOverride permits.
/// `errors` receives .htaccess files that do not parse (httpd answers 500 for them).
/// <If>/<ElseIf>/<Else> chains (the server's and vhost's, and those nested in the
/// sections that applied) are merged last, in order, with `request` deciding them.
PerDir WalkSections(const Config& config, const Vhost& vhost, const Request& request,
                    const std::string& filename, const std::string& uri, const FileView& files,
                    std::string* errors);

}  // namespace dcv::apache
