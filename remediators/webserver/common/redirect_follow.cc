// FollowRedirects: walks a predicted redirect chain hop by hop with the CA's rules
// (NextRedirect from agent/verify/url_policy, the same function the verifier applies to
// real answers), so that the diagnosis and the network check judge a redirect alike.
#include "remediators/webserver/common/redirect_follow.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "agent/verify/ca_profile.h"
#include "agent/verify/url_policy.h"

namespace dcv {

FetchRules RedirectRulesFor(const Target& target) {
  return FetchRulesFor(CaProfileFor(target.ca), target.method == Method::kAcmeHttp);
}

RedirectOutcome FollowRedirects(const std::string& url, const PredictedHop& first,
                                const FetchRules& rules, const HopPredictor& predict) {
  RedirectOutcome out;
  std::set<std::string> visited = {url};
  std::string current = url;
  PredictedHop hop = first;
  for (int followed = 0;; ++followed) {
    out.final_url = current;
    if (!IsRedirectStatus(hop.status)) {
      out.served = hop.serves_file;
      out.explanation = out.served ? "the CA follows it to " + current + ", which serves the file (" +
                                         hop.description + ")"
                                   : "the CA follows it to " + current + ", which answers " +
                                         hop.description + ", not the file";
      return out;
    }
    RedirectStep step = NextRedirect(current, hop.status, hop.location, followed, visited, rules);
    if (!step.violation.empty()) {
      out.refused = true;
      out.explanation = "the CA stops at " + current + ": " + step.violation;
      return out;
    }
    visited.insert(step.next_url);
    current = step.next_url;
    std::optional<PredictedHop> next = predict(current);
    if (!next) {
      out.final_url = current;
      out.explanation = "it leads to " + current + ", which this server is not predicted to answer";
      return out;
    }
    hop = *next;
  }
}

std::optional<UrlRequest> SplitUrl(const std::string& url) {
  Result<UrlParts> parts = ParseUrl(url);
  if (!parts || (parts->scheme != "http" && parts->scheme != "https")) return std::nullopt;
  UrlRequest r{parts->scheme, parts->host, "/", parts->port};
  std::transform(r.host.begin(), r.host.end(), r.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::size_t start = parts->url.find("://");
  std::size_t slash = start == std::string::npos ? start : parts->url.find('/', start + 3);
  if (slash != std::string::npos) r.path = parts->url.substr(slash);
  r.path = r.path.substr(0, r.path.find_first_of("?#"));
  if (r.host.empty() || r.host.front() == '[') return std::nullopt;  // IP literals: not a vhost name
  return r;
}

}  // namespace dcv
