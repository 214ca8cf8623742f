// The words and suffixes that make CAs review an order by hand come from the CA guidance
// this project was seeded with (high-risk word lists: brands, finance, "test"/"example");
// they are matched inside each label but the top-level one, so "mybank-login.example.com"
// is caught and "bank" as a TLD is not. Government and education registrations (gov, edu,
// mil, and ac/edu/gov/mil/org under a country code) need the organisation verified too.
// The check only warns: the CA decides, the agent tells the user to expect a delay.
#include "agent/name_checks.h"

#include <idn2.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string_view>
#include <vector>

namespace dcv {
namespace {

constexpr std::array<std::string_view, 29> kWords = {
    "live",  "bank",   "banc",   "fund",    "wallet", "pay",     "lv",        "nuclear",
    "pw",    "asia",   "alpha",  "test",    "example", "credit", "apple",     "ebay",
    "trust", "root",   "amazon", "android", "visa",   "google",  "discover",  "financial",
    "wordpress", "pal", "hp",    "free",    "scp"};

std::vector<std::string> Labels(const std::string& domain) {
  std::vector<std::string> labels;
  for (std::size_t start = 0;;) {
    const std::size_t dot = domain.find('.', start);
    labels.push_back(domain.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return labels;
    start = dot + 1;
  }
}

// "gov", "edu", "mil", or "gov.cn", "ac.uk", "org.cn"-style second levels; "" otherwise.
std::string InstitutionSuffix(const std::vector<std::string>& labels) {
  const std::string& tld = labels.back();
  if (tld == "gov" || tld == "edu" || tld == "mil") return tld;
  if (labels.size() >= 3 && tld.size() == 2) {
    const std::string& second = labels[labels.size() - 2];
    if (second == "gov" || second == "edu" || second == "ac" || second == "mil" || second == "org") {
      return second + "." + tld;
    }
  }
  return "";
}

}  // namespace

Result<std::string> ToAsciiName(const std::string& name) {
  const bool ascii = std::all_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x80; });
  if (ascii) return name;
  char* out = nullptr;
  const int rc = idn2_to_ascii_8z(name.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  if (rc != IDN2_OK) return MakeError(idn2_strerror(rc));
  std::unique_ptr<char, decltype(&idn2_free)> owned(out, idn2_free);
  return std::string(out);
}

std::optional<Finding> SensitiveNameFinding(const std::string& domain) {
  std::string name = domain.rfind("*.", 0) == 0 ? domain.substr(2) : domain;
  const std::vector<std::string> labels = Labels(name);
  std::vector<std::string> hits;
  for (std::size_t i = 0; i + 1 < labels.size(); ++i) {
    for (std::string_view word : kWords) {
      if (labels[i].find(word) != std::string::npos) hits.push_back("'" + std::string(word) + "' in '" + labels[i] + "'");
    }
  }
  const std::string suffix = InstitutionSuffix(labels);
  if (hits.empty() && suffix.empty()) return std::nullopt;
  std::string evidence = domain + ":";
  for (std::size_t i = 0; i < hits.size(); ++i) evidence += (i ? ", " : " ") + hits[i];
  if (!suffix.empty()) evidence += std::string(hits.empty() ? " " : "; ") + "a ." + suffix + " registration";
  return Finding{FindingCode::kSensitiveName, Severity::kWarning, domain, "", evidence,
                 "expect the CA to review the order by hand (a day or more); have the organisation's "
                 "documents ready",
                 "", false};
}

}  // namespace dcv
