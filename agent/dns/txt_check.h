// The TXT check of the dns method: ask every address of every authoritative server for the
// record, directly and at once, and say per server what it answered. A CA's resolver picks
// one server at random, so one stale, lame or silent server is enough to fail validation.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "agent/core/finding.h"
#include "agent/dns/delegation.h"

namespace dcv {

enum class ServerState {
  kHasValue,     // authoritative answer containing the expected value
  kOtherValue,   // authoritative TXT answer without it (stale or wrong)
  kMissing,      // authoritative NXDOMAIN or NODATA
  kCname,        // the name is an alias: the record lives at the target
  kLame,         // REFUSED, SERVFAIL, NOTAUTH or an answer without AA
  kTimeout,
  kUnreachable,  // a network error (no route, connection refused)
};

struct ServerAnswer {
  DnsServer server;
  ServerState state = ServerState::kTimeout;
  int rcode = -1;
  bool aa = false;
  bool truncated = false;  // the UDP answer was truncated (TCP was used)
  std::chrono::milliseconds rtt{0};
  std::vector<std::string> values;  // TXT values found (each the concatenation of its strings)
  std::string cname;                // the alias target, for kCname
  bool negative_without_soa = false;  // Unbound >= 1.18 (Let's Encrypt) SERVFAILs on these
  std::string error;

  /// "ns2.example.test. (10.98.0.12): NOERROR aa TXT "old" 1 ms".
  std::string Describe() const;
};

struct TxtSurvey {
  std::string record_name;            // the name the CA queries (absolute)
  std::string zone;
  std::vector<ServerAnswer> answers;  // one per server address
  std::vector<std::string> unresolved_ns;
  std::vector<std::string> cname_chain;  // names followed from record_name, in order
  std::string primary;                   // the zone's SOA MNAME (RFC 2136 updates go there)
};

/// One server's answer to the TXT query for `record_name`, classified.
ServerAnswer ClassifyTxtAnswer(const DnsExchange& exchange, const std::string& record_name,
                               const std::string& expected);

/// Walks to the zone of `record_name`, queries every server address, follows a CNAME that
/// the servers agree on (up to 8 links).
Result<TxtSurvey> SurveyTxt(const std::string& record_name, const std::string& expected,
                            const WalkOptions& options);

/// TXT_MISSING, TXT_MISMATCH or TXT_NOT_ON_ALL_NS for `domain` (none when every server
/// has the value).
std::vector<Finding> TxtFindings(const std::string& domain, const std::string& expected, const TxtSurvey& survey);

std::string_view StateName(ServerState state);

}  // namespace dcv
