// The CA profile table and its translation into FetchRules. The ACME row is Boulder's
// va/http.go; the file-method rows follow BR 3.2.2.4.18 (any 2xx, redirects 301/302/307/308
// to ports 80/443) narrowed by what each vendor documents: DigiCert wants a 200, GlobalSign
// and Sectigo accept the file over http or https. Adding a CA is adding a row.
#include "agent/verify/ca_profile.h"

namespace dcv {

const std::vector<CaProfile>& AllCaProfiles() {
  static const std::vector<CaProfile> kProfiles = {
      {"generic", "CA/B Forum Baseline Requirements 3.2.2.4.18 / 3.2.2.4.19", true, false,
       64 * 1024 + 1024, 10, 30, ""},
      {"letsencrypt", "Boulder's validation authority (va/http.go): ACME http-01 only", false, true,
       128, 10, 7, "letsencrypt.org"},
      {"digicert", "DigiCert file-based DCV (docs.digicert.com): 200 response, exact URL", true, true,
       64 * 1024 + 1024, 10, 30, "digicert.com", false, true},
      {"globalsign", "GlobalSign HTTP verification (support.globalsign.com): exact FQDN", true, false,
       64 * 1024 + 1024, 10, 30, "globalsign.com"},
      {"sectigo", "Sectigo HTTP/HTTPS file DCV (sectigo.com KB): reachable from anywhere", true, false,
       64 * 1024 + 1024, 10, 30, "sectigo.com"},
  };
  return kProfiles;
}

const CaProfile& CaProfileFor(std::string_view name) {
  for (const CaProfile& profile : AllCaProfiles()) {
    if (profile.name == name) return profile;
  }
  return AllCaProfiles().front();
}

FetchRules FetchRulesFor(const CaProfile& profile, bool acme_http) {
  FetchRules rules;  // Boulder's defaults: exactly 200, body < 128 bytes, no 303, 10 hops
  if (acme_http) return rules;
  rules.require_exact_200 = profile.file_exact_200;
  rules.max_body_bytes = profile.file_max_body_bytes;
  rules.max_redirects = profile.max_redirects;
  rules.allow_308 = profile.redirect_308;
  rules.same_base_domain = profile.redirect_same_base_domain;
  return rules;
}

static nlohmann::json RedirectCodes(const FetchRules& rules) {
  nlohmann::json codes = {301, 302};
  if (rules.allow_303) codes.push_back(303);
  codes.push_back(307);
  if (rules.allow_308) codes.push_back(308);
  return codes;
}

nlohmann::json CaRulesJson(const CaProfile& profile, bool acme_http) {
  const FetchRules rules = FetchRulesFor(profile, acme_http);
  nlohmann::json schemes = nlohmann::json::array({"http"});
  if (!acme_http && profile.file_over_https) schemes.push_back("https");
  return {{"profile", profile.name},
          {"rules_from", acme_http ? "Boulder's validation authority (va/http.go), ACME http-01"
                                   : std::string(profile.rules_from)},
          {"schemes", schemes},
          {"status", rules.require_exact_200 ? "exactly 200" : "any 2xx"},
          {"max_body_bytes", rules.max_body_bytes},
          {"redirects", {{"max", rules.max_redirects},
                         {"codes", RedirectCodes(rules)},
                         {"ports", rules.allowed_ports},
                         {"same_base_domain", rules.same_base_domain}}},
          {"token_lifetime_days", profile.token_lifetime_days},
          {"caa_identifier", profile.caa_identifier}};
}

}  // namespace dcv
