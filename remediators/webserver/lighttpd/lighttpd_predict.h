// Predicting lighttpd's answer to one request from its merged settings, in the order its
// modules act: mod_redirect (url.redirect: a 301, or url.redirect-code), mod_rewrite
// (url.rewrite*: the path changes, so the answer is unknown), mod_access
// (url.access-deny: 403), mod_alias (alias.url), then the file under
// server.document-root.
#pragma once

#include <functional>
#include <string>

#include "remediators/webserver/lighttpd/lighttpd_config.h"

namespace dcv::lighttpd {

enum class Outcome { kNoListener, kFile, kRedirect, kDenied, kUnknown };

struct Answer {
  Outcome outcome = Outcome::kUnknown;
  int status = 0;
  std::string location;
  std::string file;
  std::string docroot;  // kFile under server.document-root ("" for alias.url)
  bool tls_mismatch = false;
  std::string setting;    // the deciding setting: "url.redirect", "alias.url", ...
  std::string condition;  // the conditional that set it ("" at top level)
  std::string note;
};

Answer Predict(const Block& root, const Request& request,
               const std::function<bool(const std::string&)>& exists);
std::string DescribeAnswer(const Answer& answer);

}  // namespace dcv::lighttpd
