// RFC 2136 dynamic updates of one TXT record, signed with TSIG (RFC 8945) through ldns:
// the message is built and signed here, sent over TCP with the shared transport, and the
// server's answer is accepted only with rcode NOERROR and a TSIG signature that verifies
// against the same key. Used by `dcv-agent dns-update`, which `fix` and `cleanup` plans run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/core/result.h"
#include "agent/dns/dns_exchange.h"
#include "agent/dns/tsig_key.h"

namespace dcv {

enum class UpdateOp { kAdd, kDelete };

struct TxtUpdate {
  std::string zone;    // the zone that holds the record ("example.test.")
  std::string name;    // the owner ("_dnsauth.example.test.")
  std::string value;   // split into 255-byte strings; the CA compares their concatenation
  std::uint32_t ttl = 60;
  UpdateOp op = UpdateOp::kAdd;
};

struct SignedUpdate {
  std::vector<std::uint8_t> wire;
  std::vector<std::uint8_t> mac;  // the request's MAC: the response's signature covers it
};

/// The update message for `update`, TSIG-signed with `key` (time signed: now).
Result<SignedUpdate> BuildTxtUpdate(const TxtUpdate& update, const TsigKey& key, std::uint16_t id);

/// Accepts the server's response to `request`: NOERROR and a valid TSIG signature. The
/// error says what the server said (NOTAUTH with TSIG BADSIG: the secret differs; BADKEY:
/// the server has no key of that name; BADTIME: the clocks differ; REFUSED: the key may not
/// update that name).
Result<void> CheckUpdateResponse(const std::vector<std::uint8_t>& response, const SignedUpdate& request,
                                 const TsigKey& key);

/// Builds, sends (TCP) and checks one update.
Result<void> SendTxtUpdate(const DnsServer& server, const TxtUpdate& update, const TsigKey& key,
                           const ExchangeOptions& options = {});

/// The TXT values `server` itself has at `name` (a direct, non-recursive query); an error
/// when it does not answer authoritatively.
Result<std::vector<std::string>> TxtValuesAt(const DnsServer& server, const std::string& name,
                                             const ExchangeOptions& options = {});

/// "10.0.0.1", "10.0.0.1:5353", "[fd00::1]:53", "fd00::1" or a host name (resolved by the
/// system resolver, first address). The error names `text`.
Result<DnsServer> ParseDnsServer(const std::string& text);

}  // namespace dcv
