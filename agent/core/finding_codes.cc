// The table of finding codes. It is the single source for names in JSON, for the text
// report and for the catalogue in the README, so that none of them can drift.
#include "agent/core/finding.h"

namespace dcv {

const std::vector<FindingCodeInfo>& AllFindingCodes() {
  static const std::vector<FindingCodeInfo> kCodes = {
      {FindingCode::kPortClosedFirewall, "PORT_CLOSED_FIREWALL",
       "the local firewall drops or rejects tcp/80 or tcp/443"},
      {FindingCode::kPortBlockedUpstream, "PORT_BLOCKED_UPSTREAM",
       "firewall open and listener up, yet outside probes cannot connect"},
      {FindingCode::kNoListener, "NO_LISTENER", "nothing listens on port 80/443 (or one family)"},
      {FindingCode::kRedirectOnPath, "REDIRECT_ON_PATH", "the validation URL answers a redirect"},
      {FindingCode::kRedirectBadTarget, "REDIRECT_BAD_TARGET",
       "a redirect the CA refuses (port, scheme, code 303, too many hops)"},
      {FindingCode::kDeniedOnPath, "DENIED_ON_PATH", "the validation URL answers 401/403"},
      {FindingCode::kFileMissing, "FILE_MISSING", "the validation file is not where it is served"},
      {FindingCode::kFileContentMismatch, "FILE_CONTENT_MISMATCH",
       "the validation file is served with other content"},
      {FindingCode::kHttpsNotServing, "HTTPS_NOT_SERVING", "the file is served on http but not https"},
      {FindingCode::kWwwApexIncomplete, "WWW_APEX_INCOMPLETE",
       "only one of the apex and www names serves the file"},
      {FindingCode::kWrongVhost, "WRONG_VHOST", "the request lands on another server block"},
      {FindingCode::kIpv6Broken, "IPV6_BROKEN", "AAAA exists but the IPv6 path fails"},
      {FindingCode::kCdnOrProxy, "CDN_OR_PROXY", "the name resolves to addresses not on this host"},
      {FindingCode::kWildcardNeedsDns, "WILDCARD_NEEDS_DNS",
       "a wildcard name cannot be validated with the file method"},
      {FindingCode::kTxtMissing, "TXT_MISSING", "the TXT record is absent"},
      {FindingCode::kTxtMismatch, "TXT_MISMATCH", "the TXT record has another value"},
      {FindingCode::kTxtNotOnAllNs, "TXT_NOT_ON_ALL_NS",
       "some authoritative servers lack the TXT record"},
      {FindingCode::kCaaForbids, "CAA_FORBIDS", "a CAA record does not name the CA"},
      {FindingCode::kDnssecBogus, "DNSSEC_BOGUS", "validating resolution fails"},
      {FindingCode::kSensitiveName, "SENSITIVE_NAME",
       "the name contains a word that triggers manual review"},
      {FindingCode::kConfigInvalid, "CONFIG_INVALID",
       "the web server's configuration already fails its own test"},
      {FindingCode::kLocalVantageOnly, "LOCAL_VANTAGE_ONLY",
       "checked from this host only: may be a false positive"},
      {FindingCode::kHttpError, "HTTP_ERROR",
       "the validation URL answers an error status other than 401/403/404"},
  };
  return kCodes;
}

std::string_view CodeName(FindingCode code) {
  for (const FindingCodeInfo& info : AllFindingCodes()) {
    if (info.code == code) return info.name;
  }
  return "UNKNOWN";
}

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "error";
}

}  // namespace dcv
