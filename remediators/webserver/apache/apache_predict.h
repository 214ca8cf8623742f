// What Apache httpd answers to one GET, from the configuration alone: the selected
// server's translate phase (ProxyPass, server-context mod_rewrite, Redirect*/Alias*,
// DocumentRoot), the per-directory walk (<Directory> by depth with .htaccess where
// AllowOverride lets it, <DirectoryMatch>, <Files>/<FilesMatch>, <Location>/<LocationMatch>),
// access (Require, Order/Allow/Deny, AuthType), per-directory fixups (mod_rewrite in
// <Directory>/.htaccess, Redirect in sections) and the content phase (the file,
// DirectoryIndex, FallbackResource, 404), with internal redirects restarting the cycle.
#pragma once

#include <string>

#include "remediators/webserver/apache/apache_config.h"
#include "remediators/webserver/apache/apache_request.h"
#include "remediators/webserver/apache/apache_vhost.h"

namespace dcv::apache {

enum class Outcome {
  kFile,      // a static file answers (200 if it exists, else 404)
  kUpstream,  // ProxyPass / [P] / SetHandler proxy: the application answers
  kRedirect,  // 3xx with a Location
  kStatus,    // a fixed status: 403 from access or [F], 404, 410, ...
  kUnknown,   // a construct this model does not evaluate
};

/// The predicted answer.
struct Answer {
  Outcome outcome = Outcome::kUnknown;
  int status = 0;         // HTTP status; 0 when unknown or upstream
  std::string location;   // kRedirect
  std::string file;       // kFile: the path httpd opens
  std::string docroot;    // kFile: the DocumentRoot when file == docroot + uri, else ""
  std::string upstream;   // kUpstream: the backend URL
  std::string source;     // "file:line" of the deciding directive ("" for DocumentRoot only)
  std::string note;       // why, in words
  bool via_htaccess = false;  // the deciding directive came from an .htaccess file
};

/// Predicts the answer of `vhost` (selected for the request) to `request`.
Answer Predict(const Config& config, const Vhost& vhost, const Request& request,
               const FileView& files);

/// "200 /var/www/x", "301 -> https://...", "upstream", ... for evidence strings.
std::string DescribeAnswer(const Answer& answer);

/// The DocumentRoot the server uses (vhost, else main server, else the compiled-in
/// /var/www/html), without a trailing slash, and where it is set ("" for the default).
std::pair<std::string, std::string> DocumentRootOf(const Config& config, const Vhost& vhost);

}  // namespace dcv::apache
