// DNS messages as plain data: a query built for one question, and a response parsed into
// header flags and the three record sections. ldns does the wire format; everything above
// this file sees only these structs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "agent/core/result.h"

namespace dcv {

enum class RrType : std::uint16_t {
  kA = 1, kNs = 2, kCname = 5, kSoa = 6, kTxt = 16, kAaaa = 28, kDs = 43, kRrsig = 46,
  kDnskey = 48, kCaa = 257,
};

enum class Rcode : std::uint8_t { kNoError = 0, kFormErr = 1, kServFail = 2, kNxDomain = 3,
                                  kNotImp = 4, kRefused = 5, kNotAuth = 9 };

struct DnsRecord {
  std::string owner;                // lower case, absolute ("_dnsauth.example.test.")
  std::uint16_t type = 0;
  std::uint32_t ttl = 0;
  std::vector<std::uint8_t> rdata;  // uncompressed wire rdata
  std::string target;               // NS/CNAME: the name it points to; SOA: MNAME
  std::string address;              // A/AAAA: the address in text form
  std::string text;                 // the rdata in presentation format
  std::uint16_t rr_class = 1;       // IN; NONE (254) and ANY (255) in RFC 2136 updates

  bool Is(RrType t) const { return type == static_cast<std::uint16_t>(t); }
};

struct DnsMessage {
  std::uint16_t id = 0;
  int rcode = 0;
  bool aa = false, tc = false, ad = false, ra = false;
  std::vector<DnsRecord> answer, authority, additional;
  std::size_t wire_size = 0;
};

struct QueryFlags {
  bool recursion_desired = false;  // RD=0: ask the server only about its own data
  bool dnssec_ok = false;
  bool checking_disabled = false;
  std::uint16_t udp_size = 1232;   // EDNS buffer size (DNS flag day 2020)
};

/// A query for `name`/`type` (class IN) with message id `id`. The error names the name.
Result<std::vector<std::uint8_t>> BuildQuery(const std::string& name, RrType type, std::uint16_t id,
                                             const QueryFlags& flags = {});
Result<DnsMessage> ParseMessage(std::span<const std::uint8_t> wire);

/// TXT rdata -> its character strings; a CA compares their concatenation.
std::vector<std::string> TxtStrings(const DnsRecord& record);
std::string TxtValue(const DnsRecord& record);

struct CaaProperty {
  std::uint8_t flags = 0;
  std::string tag;    // "issue", "issuewild", "iodef", ... (lower-cased)
  std::string value;
  bool critical() const { return (flags & 0x80) != 0; }
};
Result<CaaProperty> ParseCaa(const DnsRecord& record);

/// "NOERROR", "NXDOMAIN", ... ; "RCODE17" for others.
std::string RcodeName(int rcode);
std::string TypeName(std::uint16_t type);

/// Lower case, with exactly one trailing dot ("example.com" -> "example.com.").
std::string AbsoluteName(std::string name);
/// True when `name` equals `zone` or lies below it (both absolute).
bool IsAtOrBelow(const std::string& name, const std::string& zone);

}  // namespace dcv
