// Findings: the product of diagnosis. Each has a stable code from one table
// (finding_codes.cc); the codes are a public contract (JSON, scripts): extend, never rename.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dcv {

enum class Severity { kError, kWarning, kInfo };

enum class FindingCode {
  kPortClosedFirewall,
  kPortBlockedUpstream,
  kNoListener,
  kRedirectOnPath,
  kRedirectBadTarget,
  kDeniedOnPath,
  kFileMissing,
  kFileContentMismatch,
  kHttpsNotServing,
  kWwwApexIncomplete,
  kWrongVhost,
  kIpv6Broken,
  kCdnOrProxy,
  kWildcardNeedsDns,
  kTxtMissing,
  kTxtMismatch,
  kTxtNotOnAllNs,
  kCaaForbids,
  kDnssecBogus,
  kSensitiveName,
  kConfigInvalid,    // the web server's configuration already fails its own test
  kLocalVantageOnly, // verification ran from this host only: may be a false positive
  kHttpError,        // the validation URL answers another error status (5xx, ...)
};

struct FindingCodeInfo {
  FindingCode code;
  std::string_view name;     // "REDIRECT_ON_PATH"
  std::string_view summary;  // one line for people and the README catalogue
};

/// The table of every code, in catalogue order.
const std::vector<FindingCodeInfo>& AllFindingCodes();
std::string_view CodeName(FindingCode code);
std::string_view SeverityName(Severity severity);

struct Finding {
  FindingCode code;
  Severity severity = Severity::kError;
  std::string domain;    // may be empty when the finding is host-wide
  std::string url;       // may be empty
  std::string evidence;  // what was seen
  std::string remedy;    // what fixes it (the plan does it when it can)
  std::string source;    // "file:line" or "nft inet filter input handle 4"
  bool fixable = true;   // a remediator will plan a fix for it
  bool fixed = false;    // set by `fix`: diagnosed before the fix, gone after it
  int ip_version = 0;    // 4 or 6 when the finding concerns one address family (firewall paths)
  int port = 0;          // the TCP port it concerns, when it concerns one
};

}  // namespace dcv
