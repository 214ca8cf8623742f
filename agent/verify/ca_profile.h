// CA profiles: what each certificate authority fetches and accepts, as one table of data
// (not subclasses), from ../shared/research/anchors.md §3–4: Boulder's http-01 rules for
// Let's Encrypt, the Baseline Requirements' 3.2.2.4.18 for the generic profile, and the
// vendors' documented rules for DigiCert, GlobalSign and Sectigo. `--ca` picks a row; the
// pipeline turns it into the verifier's FetchRules and the URL list, and the report says
// which rules applied.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/verify/check_result.h"

namespace dcv {

struct CaProfile {
  std::string_view name;         // the --ca value
  std::string_view rules_from;   // where the rules come from
  bool file_over_https = true;   // file method: https is fetched too (apex and www each)
  bool file_exact_200 = false;   // file method: exactly 200 (else any 2xx)
  std::size_t file_max_body_bytes = 64 * 1024 + 1024;  // the largest --content, plus slack
  int max_redirects = 10;
  int token_lifetime_days = 30;  // how long the random value / token stays valid
  std::string_view caa_identifier;  // the issuer domain a CAA `issue` record must name
  bool redirect_308 = true;         // file method: a 308 redirect is followed
  bool redirect_same_base_domain = false;  // file method: redirects stay within the base domain
};

/// Every profile, `generic` first.
const std::vector<CaProfile>& AllCaProfiles();

/// The profile called `name`; `generic` when there is none (the CLI validates names).
const CaProfile& CaProfileFor(std::string_view name);

/// The verifier's rules for a profile and method: ACME http-01 (`acme_http`) always gets
/// Boulder's (http only, exactly 200, body under 128 bytes, 303 refused, 10 redirects).
FetchRules FetchRulesFor(const CaProfile& profile, bool acme_http);

/// The report's account of the rules applied ("ca_rules" in the JSON).
nlohmann::json CaRulesJson(const CaProfile& profile, bool acme_http);

}  // namespace dcv
