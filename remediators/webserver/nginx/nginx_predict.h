// What a selected server block answers to one GET, from the configuration alone: nginx's
// server-level rewrite phase, location selection, the location's rewrite phase, access
// (allow/deny, auth_basic) and content (return, try_files, root/alias, *_pass).
#pragma once

#include <functional>
#include <string>

#include "remediators/webserver/nginx/nginx_config.h"
#include "remediators/webserver/nginx/nginx_select.h"

namespace dcv::nginx {

/// The request as the CA sends it.
struct Request {
  std::string scheme = "http";  // "http" | "https"
  std::string host;
  int port = 80;
  std::string uri;  // "/.well-known/pki-validation/token" (no query string)
};

/// What the file system holds; injected so that predictions can ask "what if the
/// validation file were there" and tests need no real files.
struct FileView {
  std::function<bool(const std::string&)> is_file;
  std::function<bool(const std::string&)> is_dir;
};

/// The real file system.
FileView RealFiles();

enum class Outcome {
  kFile,        // a static file answers (status 200 if it exists, else 404)
  kUpstream,    // proxy_pass / fastcgi_pass / ...: the application answers
  kRedirect,    // 301/302/303/307/308 with a Location
  kStatus,      // a fixed status from `return`/`try_files =code`, or 401/403 from access
  kNoResponse,  // `return 444`: the connection is closed
  kUnknown,     // a construct this model does not evaluate
};

/// The predicted answer.
struct Answer {
  Outcome outcome = Outcome::kUnknown;
  int status = 0;                      // HTTP status; 0 when unknown (upstream, unknown, 444)
  std::string location;                // kRedirect
  std::string body;                    // kStatus from `return 200 text`
  std::string file;                    // kFile: the path nginx opens
  std::string docroot;                 // kFile: the root when file == docroot + uri ("" for alias)
  bool denied = false;                 // access module (deny / auth_basic) or a deny-style location
  const Directive* decider = nullptr;  // the directive that decided
  const Directive* location_block = nullptr;  // the location used (nullptr: the server)
  std::string note;                           // why, in words ("return at ...", "unsupported: ...")
};

/// Predicts the answer of `server` (selected for the request) to `request`.
Answer Predict(const Config& config, const ServerBlock& server, const Request& request,
               const FileView& files);

/// "200", "301 -> https://...", "upstream", ... for evidence strings.
std::string DescribeAnswer(const Config& config, const Answer& answer);

}  // namespace dcv::nginx
