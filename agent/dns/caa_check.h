// CAA (RFC 8659, RFC 8657): which record set a CA consults for a name, and whether it lets
// the chosen CA issue. The set is found by climbing from the name towards the root; at
// each step the lookup follows CNAMEs (so a name aliased to github.io inherits its CAA).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "agent/core/finding.h"
#include "agent/core/result.h"
#include "agent/dns/delegation.h"
#include "agent/dns/dns_message.h"

namespace dcv {

/// The CAA records at one name, after following CNAMEs from it.
struct CaaRrset {
  std::vector<CaaProperty> properties;
  std::vector<std::string> aliases;  // CNAME targets followed, in order
};
/// Looks up CAA at a name. An error means the CA's lookup fails too (SERVFAIL, timeout),
/// and a CA must then refuse to issue.
using CaaLookup = std::function<Result<CaaRrset>(const std::string& name)>;

struct RelevantCaa {
  std::string name;                  // where the set was found (empty: no CAA anywhere)
  std::vector<std::string> aliases;  // CNAMEs followed from that name
  std::vector<CaaProperty> properties;
};

/// RFC 8659 section 3: climbs from `domain` (a leading "*." is dropped) to the first
/// name with a non-empty CAA set, stopping before the root.
Result<RelevantCaa> FindRelevantCaa(const std::string& domain, const CaaLookup& lookup);

struct CaaVerdict {
  bool permitted = true;
  std::string reason;  // why not (or a caveat when permitted, e.g. an accounturi)
};

/// Whether `properties` let the CA with identifier `issuer` issue for the name, for a
/// wildcard or not, with ACME method `method` ("dns-01", "http-01"; empty: not checked).
CaaVerdict EvaluateCaa(const std::vector<CaaProperty>& properties, const std::string& issuer, bool wildcard,
                       const std::string& method);

/// --ca -> the issuer domain CAs look for (letsencrypt -> letsencrypt.org); "" for generic.
std::string CaaIssuerFor(const std::string& ca);

/// CAA_FORBIDS for `domain` when the relevant set does not let `ca` issue.
std::vector<Finding> CaaFindings(const std::string& domain, const std::string& ca, const std::string& method,
                                 const RelevantCaa& relevant);

/// The lookup the agent uses: a referral walk per name, then the authoritative answer.
CaaLookup AuthoritativeCaaLookup(const WalkOptions& options);

/// "0 issue \"letsencrypt.org\"".
std::string CaaText(const CaaProperty& property);

}  // namespace dcv
