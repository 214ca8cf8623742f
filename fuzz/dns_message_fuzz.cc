// libFuzzer target for the DNS message handling of the dns method (agent/dns): the bytes
// are one DNS message as a server would answer it over UDP or TCP. It is parsed by
// ParseMessage (ldns' wire2pkt, then every record converted: owner, rdata re-encoded,
// presentation text, NS/CNAME/SOA targets, addresses), every record decoded as TXT and as
// CAA, the message read as a referral during the walk from the root (ReadReferral),
// classified as one server's answer to the TXT query (ClassifyTxtAnswer), and checked as
// the answer to a TSIG-signed RFC 2136 update (CheckUpdateResponse). The same bytes are
// also read as a TSIG key file (ParseTsigKey). Seeds: tests/fixtures/dns/*.bin and
// tests/fixtures/dns/update/*. Nothing is sent: the exchange is built in memory.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "agent/dns/caa_check.h"
#include "agent/dns/delegation.h"
#include "agent/dns/dns_message.h"
#include "agent/dns/dns_update.h"
#include "agent/dns/tsig_key.h"
#include "agent/dns/txt_check.h"
#include "fuzz/fuzz_input.h"

namespace {

const dcv::TsigKey& Key() {
  static const dcv::TsigKey key{"acme-update.", "hmac-sha256.",
                                "/WVu2jy5tr4vFSQFcu4TXFvixNREaAenHObFLxJBzwc="};
  return key;
}

// One signed update request, built once: the response is checked against its MAC.
const dcv::SignedUpdate* Request() {
  static const auto request = [] {
    dcv::TxtUpdate update{"example.test.", "_dnsauth.example.test.", "fuzz-value", 60,
                          dcv::UpdateOp::kAdd};
    return dcv::BuildTxtUpdate(update, Key(), 0x1234);
  }();
  return request ? &*request : nullptr;
}

void DecodeRecords(const std::vector<dcv::DnsRecord>& records) {
  for (const dcv::DnsRecord& record : records) {
    size_t total = 0;
    for (const std::string& part : dcv::TxtStrings(record)) total += part.size();
    if (total > record.rdata.size()) __builtin_trap();
    (void)dcv::TxtValue(record);
    (void)dcv::TypeName(record.type);
    auto caa = dcv::ParseCaa(record);
    if (caa) (void)dcv::CaaText(*caa);
    (void)dcv::IsAtOrBelow(record.owner, "example.test.");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto message = dcv::ParseMessage(std::span<const std::uint8_t>(data, size));
  if (message) {
    (void)dcv::RcodeName(message->rcode);
    DecodeRecords(message->answer);
    DecodeRecords(message->authority);
    DecodeRecords(message->additional);
    for (const char* zone : {".", "test.", "example.test."}) {
      auto referral = dcv::ReadReferral(*message, "_dnsauth.www.example.test.", zone);
      if (referral && !dcv::IsAtOrBelow("_dnsauth.www.example.test.", referral->zone)) {
        __builtin_trap();  // a referral must lead towards the name asked for
      }
    }
  }
  const std::vector<std::uint8_t> wire(data, data + size);
  dcv::DnsExchange exchange;
  exchange.response = wire;
  dcv::ServerAnswer answer = dcv::ClassifyTxtAnswer(exchange, "_dnsauth.example.test", "fuzz-value");
  (void)answer.Describe();
  (void)dcv::StateName(answer.state);
  if (const dcv::SignedUpdate* request = Request()) {
    (void)dcv::CheckUpdateResponse(wire, *request, Key());
  }
  (void)dcv::ParseTsigKey(dcv::fuzz::AsText(data, size), "fuzz-key");
  return 0;
}
