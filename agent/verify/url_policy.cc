// URL parsing and the CA's redirect rules (Boulder va/http.go processRedirect and
// extractRequestTarget; BR 3.2.2.4.18/19): only 301/302/307/308 (303 refused since
// Boulder PR #5384), only http/https, only ports 80/443, at most 10 redirects, and a
// host ending in ".well-known" is called out because it means a missing '/' in a
// rewrite. curl_url does the parsing and relative resolution so that the URL we judge
// is exactly the URL libcurl then fetches.
#include "agent/verify/url_policy.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include <curl/curl.h>

#include "agent/verify/base_domain.h"

namespace dcv {
namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

// Reads one part of a parsed URL; empty when the part is absent.
std::string GetPart(CURLU* url, CURLUPart part, unsigned int flags = 0) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, flags) != CURLUE_OK || text == nullptr) return "";
  std::string value(text);
  curl_free(text);
  return value;
}

std::string ToLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

int DefaultPort(const std::string& scheme) {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return 0;
}

std::string PortList(const std::vector<int>& ports) {
  std::string list;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (i > 0) list += i + 1 == ports.size() ? " and " : ", ";
    list += std::to_string(ports[i]);
  }
  return list;
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool IsRedirectStatus(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

Result<UrlParts> ParseUrl(const std::string& url) {
  UrlHandle handle(curl_url());
  CURLUcode code = curl_url_set(handle.get(), CURLUPART_URL, url.c_str(),
                                CURLU_NON_SUPPORT_SCHEME);
  if (code != CURLUE_OK) {
    return MakeError("invalid URL \"" + url + "\": " + curl_url_strerror(code));
  }
  UrlParts parts;
  parts.url = GetPart(handle.get(), CURLUPART_URL);
  parts.scheme = ToLower(GetPart(handle.get(), CURLUPART_SCHEME));
  parts.host = GetPart(handle.get(), CURLUPART_HOST);
  std::string port = GetPart(handle.get(), CURLUPART_PORT);
  parts.port = port.empty() ? DefaultPort(parts.scheme) : std::stoi(port);
  return parts;
}

Result<std::string> ResolveLocation(const std::string& base_url, const std::string& location) {
  UrlHandle handle(curl_url());
  CURLUcode code = curl_url_set(handle.get(), CURLUPART_URL, base_url.c_str(),
                                CURLU_NON_SUPPORT_SCHEME);
  if (code == CURLUE_OK) {
    // With a base already set, curl resolves a relative reference against it.
    code = curl_url_set(handle.get(), CURLUPART_URL, location.c_str(),
                        CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE);
  }
  if (code != CURLUE_OK) {
    return MakeError("invalid redirect target \"" + location + "\": " +
                     curl_url_strerror(code));
  }
  // Error is constructible from a string too, so say which alternative this is.
  return Result<std::string>(boost::system::in_place_value, GetPart(handle.get(), CURLUPART_URL));
}

Result<UrlParts> CheckFetchable(const std::string& url, const FetchRules& rules) {
  Result<UrlParts> parts = ParseUrl(url);
  if (!parts) return parts;
  if (parts->scheme != "http" && parts->scheme != "https") {
    return MakeError("scheme " + parts->scheme + " (only http and https are allowed): " +
                     parts->url);
  }
  const std::vector<int>& ports = rules.allowed_ports;
  if (std::find(ports.begin(), ports.end(), parts->port) == ports.end()) {
    return MakeError("port " + std::to_string(parts->port) + " (only " + PortList(ports) +
                     " are allowed): " + parts->url);
  }
  if (EndsWith(ToLower(parts->host), ".well-known")) {
    return MakeError("host \"" + parts->host +
                     "\" ends in .well-known: the redirect is missing a '/' after the host");
  }
  return parts;
}

RedirectStep NextRedirect(const std::string& current_url, int status,
                          const std::string& location, int followed,
                          const std::set<std::string>& visited, const FetchRules& rules) {
  if (status == 303 && !rules.allow_303) {
    return {"", "redirect with status 303 (only 301, 302, 307 and 308 are followed)"};
  }
  if (status == 308 && !rules.allow_308) {
    return {"", "redirect with status 308 (this CA follows only 301, 302 and 307)"};
  }
  if (!IsRedirectStatus(status)) {
    return {"", "status " + std::to_string(status) + " is not a redirect"};
  }
  if (location.empty()) {
    return {"", "redirect " + std::to_string(status) + " without a Location header"};
  }
  if (followed >= rules.max_redirects) {
    return {"", "too many redirects (more than " + std::to_string(rules.max_redirects) + ")"};
  }
  Result<std::string> next = ResolveLocation(current_url, location);
  if (!next) return {"", next.error().message};
  Result<UrlParts> parts = CheckFetchable(*next, rules);
  if (!parts) return {"", "redirect to " + parts.error().message};
  if (visited.count(parts->url) > 0) return {"", "redirect loop: " + parts->url + " again"};
  if (rules.same_base_domain) {
    Result<UrlParts> from = ParseUrl(current_url);
    const std::string base = from ? BaseDomain(from->host) : "";
    if (BaseDomain(parts->host) != base) {
      return {"", "redirect to " + parts->host + " leaves the base domain " + base +
                      " (this CA follows redirects only within it)"};
    }
  }
  return {parts->url, ""};
}

}  // namespace dcv
