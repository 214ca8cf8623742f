// The CAA rules, kept apart from the lookups so that they can be tested on their own.
// Known tags are those of RFC 8659 and its registry (issue, issuewild, iodef, contactemail,
// contactphone, issuemail, issuevmc); an unknown one with the critical flag forbids all
// issuance. Parameters (RFC 8657): validationmethods restricts the ACME methods,
// accounturi pins an ACME account (which the agent cannot see: reported as a caveat).
#include "agent/dns/caa_check.h"
#include "agent/verify/ca_profile.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

namespace dcv {
namespace {

constexpr int kMaxAliases = 8;

std::string Trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool KnownTag(const std::string& tag) {
  static const std::array<std::string, 7> kKnown = {"issue", "issuewild", "iodef", "contactemail",
                                                    "contactphone", "issuemail", "issuevmc"};
  return std::find(kKnown.begin(), kKnown.end(), tag) != kKnown.end();
}

// "letsencrypt.org; accounturi=https://...; validationmethods=dns-01" -> the pieces.
struct IssueValue {
  std::string issuer;
  std::vector<std::pair<std::string, std::string>> parameters;
};

IssueValue ParseIssueValue(const std::string& value) {
  IssueValue parsed;
  std::stringstream stream(value);
  std::string part;
  std::getline(stream, part, ';');
  parsed.issuer = Lower(Trim(part));
  while (std::getline(stream, part, ';')) {
    const std::size_t eq = part.find('=');
    if (eq == std::string::npos) continue;
    parsed.parameters.emplace_back(Lower(Trim(part.substr(0, eq))), Trim(part.substr(eq + 1)));
  }
  return parsed;
}

bool MethodAllowed(const std::string& methods, const std::string& method) {
  std::stringstream stream(methods);
  std::string one;
  while (std::getline(stream, one, ',')) {
    if (Lower(Trim(one)) == method) return true;
  }
  return false;
}

}  // namespace

std::string CaaText(const CaaProperty& p) {
  return std::to_string(p.flags) + " " + p.tag + " \"" + p.value + "\"";
}

Result<RelevantCaa> FindRelevantCaa(const std::string& domain, const CaaLookup& lookup) {
  std::string name = AbsoluteName(domain.rfind("*.", 0) == 0 ? domain.substr(2) : domain);
  while (name != ".") {
    Result<CaaRrset> rrset = lookup(name);
    if (!rrset) return MakeError("CAA lookup of " + name + " failed: " + rrset.error().message);
    if (!rrset->properties.empty()) return RelevantCaa{name, rrset->aliases, rrset->properties};
    name = name.substr(name.find('.') + 1);
    if (name.empty()) name = ".";
  }
  return RelevantCaa{};
}

CaaVerdict EvaluateCaa(const std::vector<CaaProperty>& properties, const std::string& issuer, bool wildcard,
                       const std::string& method) {
  for (const CaaProperty& p : properties) {
    if (p.critical() && !KnownTag(p.tag)) {
      return {false, "the critical property '" + CaaText(p) + "' is unknown, so no CA may issue"};
    }
  }
  const bool has_wild = std::any_of(properties.begin(), properties.end(),
                                    [](const CaaProperty& p) { return p.tag == "issuewild"; });
  const std::string tag = wildcard && has_wild ? "issuewild" : "issue";
  bool any = false;
  std::string caveat;
  std::string refused_method;
  for (const CaaProperty& p : properties) {
    if (p.tag != tag) continue;
    any = true;
    const IssueValue value = ParseIssueValue(p.value);
    if (value.issuer != Lower(issuer)) continue;
    bool method_ok = true;
    for (const auto& [key, text] : value.parameters) {
      if (key == "validationmethods" && !method.empty() && !MethodAllowed(text, method)) method_ok = false;
      if (key == "accounturi") caveat = "'" + CaaText(p) + "' allows only that ACME account";
    }
    if (method_ok) return {true, caveat};
    refused_method = "'" + CaaText(p) + "' names the CA but not the method " + method;
  }
  if (!any) return {true, ""};
  if (!refused_method.empty()) return {false, refused_method};
  return {false, "no '" + tag + "' property names " + issuer};
}

std::string CaaIssuerFor(const std::string& ca) {
  return std::string(CaProfileFor(ca).caa_identifier);  // the CA profile table's column
}

std::vector<Finding> CaaFindings(const std::string& domain, const std::string& ca, const std::string& method,
                                 const RelevantCaa& relevant) {
  const std::string issuer = CaaIssuerFor(ca);
  if (issuer.empty() || relevant.properties.empty()) return {};
  const bool wildcard = domain.rfind("*.", 0) == 0;
  const CaaVerdict verdict = EvaluateCaa(relevant.properties, issuer, wildcard, method);
  if (verdict.permitted) return {};
  std::string records;
  for (const CaaProperty& p : relevant.properties) records += (records.empty() ? "" : "; ") + CaaText(p);
  std::string via;
  for (const std::string& alias : relevant.aliases) via += " -> " + alias;
  const std::string owner = relevant.aliases.empty() ? relevant.name : relevant.aliases.back();
  const std::string add = relevant.name + " 300 IN CAA 0 " + (wildcard ? "issuewild" : "issue") + " \"" + issuer + "\"";
  std::string remedy = "add: " + add;
  if (!relevant.aliases.empty()) {
    remedy += " — but " + relevant.name + " is an alias: the CAA set is " + owner +
              "'s (ask its operator, or replace the CNAME with A/AAAA records and then add the CAA)";
  }
  return {{FindingCode::kCaaForbids, Severity::kError, domain, "",
           "CAA at " + relevant.name + via + ": " + records + " — " + verdict.reason + " (--ca " + ca + " needs " +
               issuer + ")",
           remedy, "", false}};
}

CaaLookup AuthoritativeCaaLookup(const WalkOptions& options) {
  return [options](const std::string& start) -> Result<CaaRrset> {
    CaaRrset rrset;
    std::string name = AbsoluteName(start);
    for (int hop = 0; hop <= kMaxAliases; ++hop) {
      Result<ZoneServers> zone = FindZoneServers(name, RrType::kCaa, options);
      if (!zone) return zone.error();
      if (!zone->final_answer) return MakeError("no authoritative server of " + zone->zone + " answered");
      std::string next;
      // The answer may carry the whole in-zone chain: follow it as far as it goes.
      for (bool moved = true; moved;) {
        moved = false;
        for (const DnsRecord& record : zone->final_answer->answer) {
          if (record.owner != name) continue;
          if (record.Is(RrType::kCaa)) {
            if (Result<CaaProperty> p = ParseCaa(record)) rrset.properties.push_back(*p);
          } else if (record.Is(RrType::kCname) && rrset.aliases.size() < kMaxAliases) {
            rrset.aliases.push_back(record.target);
            name = record.target;
            moved = true;
            next = name;
            break;
          }
        }
      }
      if (!rrset.properties.empty() || next.empty()) return rrset;
      // the chain leaves the zone: ask the target's own servers (unless already answered)
      const bool answered = std::any_of(zone->final_answer->answer.begin(), zone->final_answer->answer.end(),
                                        [&](const DnsRecord& r) { return r.owner == name && r.Is(RrType::kCaa); });
      if (answered) return rrset;
    }
    return MakeError("CNAME chain from " + start + " is too long");
  };
}

}  // namespace dcv
