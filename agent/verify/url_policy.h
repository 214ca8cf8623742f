// The CA's rules about which URLs may be fetched and which redirects followed, as pure
// functions over URLs (parsed with curl's URL API, the parser the fetch itself uses).
// Kept apart from the transfer code so that each rule is testable without a network,
// and so that CA profiles (issue 5) only have to supply different FetchRules.
#pragma once

#include <set>
#include <string>

#include "agent/core/result.h"
#include "agent/verify/check_result.h"

namespace dcv {

/// The parts of an absolute URL the rules look at.
struct UrlParts {
  std::string url;     // normalized by curl
  std::string scheme;  // lower case
  std::string host;    // as written; IPv6 literals keep their brackets
  int port = 0;        // explicit port, else the scheme's default (0 if none known)
};

/// Parses an absolute URL of any scheme.
Result<UrlParts> ParseUrl(const std::string& url);

/// Resolves a Location header value against the URL it came from (relative references,
/// scheme-relative `//host/path`, absolute URLs of any scheme).
Result<std::string> ResolveLocation(const std::string& base_url, const std::string& location);

/// Why `url` may not be fetched under `rules` (scheme not http/https, port not allowed,
/// host ending in ".well-known"), or nothing when it may.
Result<UrlParts> CheckFetchable(const std::string& url, const FetchRules& rules);

/// Where a redirect response leads, or why the CA would stop there.
struct RedirectStep {
  std::string next_url;   // set when the redirect may be followed
  std::string violation;  // set when it may not
};

/// Applies the redirect rules to one 3xx answer: `status` must be 301/302/307/308 (303
/// only with allow_303), `location` present and fetchable, at most rules.max_redirects
/// redirects (`followed` counts those already followed), and no URL fetched twice
/// (`visited` holds every URL fetched so far).
RedirectStep NextRedirect(const std::string& current_url, int status,
                          const std::string& location, int followed,
                          const std::set<std::string>& visited, const FetchRules& rules);

/// Whether `status` is a redirect the CA's HTTP client acts on (301, 302, 303, 307, 308);
/// any other status ends the fetch.
bool IsRedirectStatus(int status);

}  // namespace dcv
