// Finding a name's zone and its authoritative servers the way an iterating resolver does:
// walk referrals down from the root. The NS set comes from the parent's referral, so a zone
// whose own servers are lame or dead still yields the servers a CA's resolver would try.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/core/result.h"
#include "agent/dns/dns_exchange.h"
#include "agent/dns/dns_message.h"

namespace dcv {

struct WalkOptions {
  std::vector<DnsServer> roots;  // BuiltInRootServers() or a --root-hints file
  ExchangeOptions exchange;
  int max_depth = 3;             // nested walks for NS names that come without glue
};

struct ZoneServers {
  std::string zone;                      // "example.test."
  std::vector<std::string> ns_names;     // from the parent's referral
  std::vector<DnsServer> servers;        // every IPv4 and IPv6 address of every NS name
  std::vector<std::string> unresolved;   // NS names for which no address was found
  std::optional<DnsMessage> final_answer;  // the authoritative answer that ended the walk
  std::string final_server;              // who gave it
};

struct Referral {
  std::string zone;                                   // the delegated zone
  std::vector<std::string> ns_names;
  std::vector<DnsServer> glue;                        // addresses found in ADDITIONAL
};

/// The referral in `message` for `qname`, if it is one (no AA, no answer, NS records in
/// AUTHORITY for a zone strictly below `current_zone` that contains `qname`).
std::optional<Referral> ReadReferral(const DnsMessage& message, const std::string& qname,
                                     const std::string& current_zone);

/// Walks from the roots to the zone that holds `name`, asking for `type` at each step.
Result<ZoneServers> FindZoneServers(const std::string& name, RrType type, const WalkOptions& options,
                                    int depth = 0);

/// The A and AAAA addresses of `host`, found by walking (used for NS names without glue).
std::vector<DnsServer> ResolveServerAddresses(const std::string& host, const WalkOptions& options, int depth);

}  // namespace dcv
