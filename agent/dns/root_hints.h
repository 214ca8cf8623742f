// Where a referral walk starts: the root name servers, built in (the IANA root hints) or
// read from a hints file (--root-hints, for private roots: tests, air-gapped networks).
#pragma once

#include <string>
#include <vector>

#include "agent/core/result.h"
#include "agent/dns/dns_exchange.h"

namespace dcv {

/// a..m.root-servers.net, IPv4 and IPv6 (IANA named.root, 2023 edition).
std::vector<DnsServer> BuiltInRootServers();

/// Reads a hints file in zone-file syntax ("." NS names plus their A/AAAA records). The
/// error names the file and the line.
Result<std::vector<DnsServer>> ReadRootHints(const std::string& path);

}  // namespace dcv
