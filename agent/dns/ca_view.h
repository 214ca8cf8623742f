// The CA's view of the DNS: what a validating resolver like Let's Encrypt's Unbound gets
// for the names of a validation, through libunbound iterating from the root with the DNSSEC
// trust anchor. A bogus answer, a SERVFAIL or a timeout here is what makes the CA fail.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "agent/core/diagnosis.h"
#include "agent/core/result.h"
#include "agent/dns/dns_message.h"

namespace dcv {

struct CaViewOptions {
  std::string root_hints;    // empty: libunbound's built-in root servers
  std::string trust_anchor;  // DS or DNSKEY file; empty: no validation
  std::chrono::milliseconds deadline{10000};
};

struct CaViewQuestion {
  std::string name;
  RrType type;
};

struct CaViewAnswer {
  CaViewQuestion question;
  bool timed_out = false;
  int rcode = -1;
  bool secure = false;
  bool bogus = false;
  std::string why_bogus;
  std::vector<std::string> data;  // presentation form of the answer records (TXT: the value)
  std::string error;              // libunbound's own error (not a DNS answer)
};

/// Resolves every question concurrently in one fresh libunbound context (empty cache, as
/// a CA's resolver that caches little). The error is a setup failure (bad hints file).
Result<std::vector<CaViewAnswer>> ResolveAsCa(const std::vector<CaViewQuestion>& questions,
                                              const CaViewOptions& options);

/// DNSSEC_BOGUS for bogus answers (with why_bogus); for the TXT name, a SERVFAIL or a
/// timeout is TXT_MISSING as the CA sees it.
std::vector<Finding> CaViewFindings(const std::string& domain, const std::vector<CaViewAnswer>& answers);

}  // namespace dcv
