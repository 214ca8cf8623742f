// CheckResult: what one fetch of one validation URL observed, over one address family,
// from one vantage point (this host or an outside probe). The JSON `checks` entries.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dcv {

enum class Family { kIpv4, kIpv6 };
/// "ipv4" | "ipv6".
const char* FamilyName(Family family);

/// One URL the CA will fetch, pinned to one address family.
struct FetchSpec {
  std::string url;
  Family family = Family::kIpv4;
  std::string expected_content;  // compared after trimming trailing whitespace
};

/// The redirect and body rules applied while fetching (Boulder's by default).
struct FetchRules {
  int max_redirects = 10;
  bool allow_303 = false;               // Boulder refuses 303
  bool allow_308 = true;                // DigiCert documents 301, 302 and 307 only
  bool same_base_domain = false;        // DigiCert: every hop stays within the base domain
  std::size_t max_body_bytes = 128;     // ACME: body >= 128 bytes is a failure
  bool require_exact_200 = true;        // false: any 2xx (BR file method)
  long connect_timeout_ms = 10000;      // Boulder's single dial timeout
  long total_timeout_ms = 20000;         // per spec, all redirect hops together
  /// Ports a URL may name (explicitly or by its scheme's default); the CA allows 80 and
  /// 443 only. Tests add their ephemeral ports; a probe server uses its own list.
  std::vector<int> allowed_ports = {80, 443};
};

struct CheckResult {
  std::string url;
  std::string family;                   // "ipv4" | "ipv6"
  std::string vantage;                  // "local" or the probe URL
  int status = 0;                       // final HTTP status; 0 = no HTTP answer
  std::optional<std::string> location;  // Location of the last redirect seen, if any
  bool content_match = false;
  std::optional<std::string> error;     // null when an HTTP answer was read
  std::vector<std::string> redirects;   // every URL followed after the first
  std::string body;                     // first bytes of the final body (for evidence)
  bool connect_failed = false;          // refused / timed out / unreachable (no TCP)
  bool no_address = false;              // the name has no address in this family
  bool ok() const { return error == std::nullopt && content_match && status >= 200 && status < 300; }
};

}  // namespace dcv
