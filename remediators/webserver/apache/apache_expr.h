// httpd's expression language (ap_expr), as far as a validation request meets it in
// <If>/<ElseIf> sections: request variables, string and integer comparisons, regex
// matches, file tests, `in {...}`, !, &&, || and parentheses.
#pragma once

#include <optional>
#include <string>

#include "remediators/webserver/apache/apache_request.h"

namespace dcv::apache {

/// What an expression can see of the request.
struct ExprContext {
  const Request* request = nullptr;
  std::string uri;           // REQUEST_URI
  std::string filename;      // REQUEST_FILENAME
  std::string document_root;
  const FileView* files = nullptr;
};

/// The value of `expr` for the CA's request; nullopt when it depends on what the CA's
/// request does not determine (the client address, an environment variable set elsewhere,
/// a function this model does not know) or does not parse.
std::optional<bool> EvalExpr(const std::string& expr, const ExprContext& ctx);

}  // namespace dcv::apache
