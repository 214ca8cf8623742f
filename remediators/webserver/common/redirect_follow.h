// Following a predicted redirect the way the CA would. A web server's answer to the
// validation URL may be a redirect that the CA follows (Boulder does, within its rules:
// 301/302/307/308, http/https, ports 80/443, ten hops, no loop) to a URL that serves the
// file; then the redirect is no obstacle. The web-server remediators supply a prediction
// for any URL; this module walks the chain with the CA profile's redirect rules
// (agent/verify/url_policy) and says where it ends.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "agent/core/target.h"
#include "agent/verify/check_result.h"

namespace dcv {

/// What the web server is predicted to answer at one URL.
struct PredictedHop {
  int status = 0;
  std::string location;      // for a redirect
  bool serves_file = false;  // a 200 whose body is the validation content
  std::string description;   // "200 /var/www/judge/...", "404", ... for evidence
};

/// The prediction for a URL, or nullopt when this server does not answer it (another
/// host, nothing listening): then the chain cannot be followed here.
using HopPredictor = std::function<std::optional<PredictedHop>(const std::string& url)>;

/// Where the CA's fetch of a redirecting URL ends.
struct RedirectOutcome {
  bool served = false;      // the chain ends in the validation file
  bool refused = false;     // the CA stops at a redirect it may not follow
  std::string final_url;    // the last URL reached
  std::string explanation;  // in words, for a finding's evidence
};

/// The redirect rules of the target's CA profile (`--ca`, and ACME's for acme-http).
FetchRules RedirectRulesFor(const Target& target);

/// Follows `first` (the answer at `url`, a redirect) with `rules`, asking `predict` for
/// every URL the chain reaches.
RedirectOutcome FollowRedirects(const std::string& url, const PredictedHop& first,
                                const FetchRules& rules, const HopPredictor& predict);

/// The host, port and path of an http(s) URL, for the remediators' request model.
struct UrlRequest {
  std::string scheme, host, path;
  int port = 0;
};
std::optional<UrlRequest> SplitUrl(const std::string& url);

}  // namespace dcv
