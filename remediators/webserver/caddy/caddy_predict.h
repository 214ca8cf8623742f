// Predicting Caddy's answer to one request from its adapted configuration: which server
// takes the connection (by port), whether it speaks TLS, what its routes do with the
// host and path (routes run in order; a group runs its first matching route only; a
// terminal route ends the list), and the redirect server Caddy's automatic HTTPS adds at
// run time (absent from `caddy adapt` output): every host a TLS server names gets
// `308 https://host{uri}` on the HTTP port, after the routes a server there may have.
#pragma once

#include <functional>
#include <string>

#include "remediators/webserver/caddy/caddy_config.h"

namespace dcv::caddy {

enum class Outcome { kNoListener, kFile, kRedirect, kStatus, kUpstream, kUnknown };

struct Request {
  bool https = false;
  std::string host;
  int port = 80;
  std::string path;
};

struct Answer {
  Outcome outcome = Outcome::kUnknown;
  int status = 0;
  std::string location;        // kRedirect
  std::string body;            // kStatus
  std::string file;            // kFile: the path file_server opens
  std::string docroot;         // kFile: the root it was opened under
  bool tls_mismatch = false;   // https to a plain-HTTP server (or the reverse)
  bool auto_redirect = false;  // the redirect automatic HTTPS adds
  std::string handler;         // the deciding handler: "file_server", "static_response", ...
  std::string server;          // "srv0"; empty for the automatic redirect server
  std::string note;            // why, in words
};

/// Whether a path exists as a regular file (tests substitute it).
using FileExists = std::function<bool(const std::string&)>;

Answer Predict(const Config& config, const Request& request, const FileExists& exists);

/// "308 -> https://...", "200 /var/www/html/...", "reverse_proxy localhost:8080", ...
std::string DescribeAnswer(const Answer& answer);

/// Caddy's path matcher: case-insensitive, `*` as prefix/suffix/substring or a glob.
bool PathMatches(const std::string& pattern, const std::string& path);
/// Caddy's host matcher: exact (case-insensitive) or `*.` for one label.
bool HostMatches(const std::string& pattern, const std::string& host);

}  // namespace dcv::caddy
