// Wire format through ldns, kept behind plain structs. Queries carry EDNS (1232 bytes)
// and RD=0 by default because the agent talks to authoritative servers directly. Record
// data is kept both raw (TXT and CAA are decoded from it here, exactly as the bytes are)
// and in presentation form for evidence.
#include "agent/dns/dns_message.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>

#include <ldns/ldns.h>

namespace dcv {
namespace {

struct PktFree { void operator()(ldns_pkt* p) const { ldns_pkt_free(p); } };
struct BufferFree { void operator()(ldns_buffer* b) const { ldns_buffer_free(b); } };
struct CFree { void operator()(void* p) const { std::free(p); } };

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string RdfText(const ldns_rdf* rdf) {
  std::unique_ptr<char, CFree> text(ldns_rdf2str(rdf));
  return text ? std::string(text.get()) : std::string();
}

DnsRecord ConvertRecord(const ldns_rr* rr) {
  DnsRecord record;
  record.owner = Lower(RdfText(ldns_rr_owner(rr)));
  record.type = static_cast<std::uint16_t>(ldns_rr_get_type(rr));
  record.rr_class = static_cast<std::uint16_t>(ldns_rr_get_class(rr));
  record.ttl = ldns_rr_ttl(rr);
  std::unique_ptr<ldns_buffer, BufferFree> buffer(ldns_buffer_new(512));
  if (ldns_rr_rdata2buffer_wire(buffer.get(), rr) == LDNS_STATUS_OK) {
    const std::uint8_t* begin = ldns_buffer_begin(buffer.get());
    record.rdata.assign(begin, begin + ldns_buffer_position(buffer.get()));
  }
  for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    if (!record.text.empty()) record.text += ' ';
    record.text += RdfText(ldns_rr_rdf(rr, i));
  }
  if (ldns_rr_rd_count(rr) > 0) {
    if (record.Is(RrType::kNs) || record.Is(RrType::kCname) || record.Is(RrType::kSoa)) {
      record.target = Lower(RdfText(ldns_rr_rdf(rr, 0)));
    } else if (record.Is(RrType::kA) || record.Is(RrType::kAaaa)) {
      record.address = RdfText(ldns_rr_rdf(rr, 0));
    }
  }
  return record;
}

std::vector<DnsRecord> ConvertSection(const ldns_rr_list* list) {
  std::vector<DnsRecord> records;
  for (std::size_t i = 0; list && i < ldns_rr_list_rr_count(list); ++i) {
    records.push_back(ConvertRecord(ldns_rr_list_rr(list, i)));
  }
  return records;
}

}  // namespace

Result<std::vector<std::uint8_t>> BuildQuery(const std::string& name, RrType type, std::uint16_t id,
                                             const QueryFlags& flags) {
  ldns_rdf* owner = ldns_dname_new_frm_str(AbsoluteName(name).c_str());
  if (!owner) return MakeError("not a valid DNS name: '" + name + "'");
  std::unique_ptr<ldns_pkt, PktFree> pkt(ldns_pkt_query_new(
      owner, static_cast<ldns_rr_type>(type), LDNS_RR_CLASS_IN, flags.recursion_desired ? LDNS_RD : 0));
  if (!pkt) return MakeError("cannot build a query for '" + name + "'");
  ldns_pkt_set_id(pkt.get(), id);
  ldns_pkt_set_edns_udp_size(pkt.get(), flags.udp_size);
  ldns_pkt_set_edns_do(pkt.get(), flags.dnssec_ok);
  ldns_pkt_set_cd(pkt.get(), flags.checking_disabled);
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  if (ldns_pkt2wire(&wire, pkt.get(), &size) != LDNS_STATUS_OK) {
    return MakeError("cannot encode a query for '" + name + "'");
  }
  std::unique_ptr<std::uint8_t, CFree> owned(wire);
  return std::vector<std::uint8_t>(wire, wire + size);
}

Result<DnsMessage> ParseMessage(std::span<const std::uint8_t> wire) {
  ldns_pkt* raw = nullptr;
  const ldns_status status = ldns_wire2pkt(&raw, wire.data(), wire.size());
  if (status != LDNS_STATUS_OK) {
    return MakeError(std::string("malformed DNS message: ") + ldns_get_errorstr_by_id(status));
  }
  std::unique_ptr<ldns_pkt, PktFree> pkt(raw);
  DnsMessage message;
  message.id = ldns_pkt_id(pkt.get());
  message.rcode = ldns_pkt_get_rcode(pkt.get());
  message.aa = ldns_pkt_aa(pkt.get());
  message.tc = ldns_pkt_tc(pkt.get());
  message.ad = ldns_pkt_ad(pkt.get());
  message.ra = ldns_pkt_ra(pkt.get());
  message.answer = ConvertSection(ldns_pkt_answer(pkt.get()));
  message.authority = ConvertSection(ldns_pkt_authority(pkt.get()));
  message.additional = ConvertSection(ldns_pkt_additional(pkt.get()));
  message.wire_size = wire.size();
  return message;
}

std::vector<std::string> TxtStrings(const DnsRecord& record) {
  std::vector<std::string> strings;
  for (std::size_t at = 0; at < record.rdata.size();) {
    const std::size_t length = record.rdata[at];
    const std::size_t end = std::min(record.rdata.size(), at + 1 + length);
    strings.emplace_back(record.rdata.begin() + static_cast<long>(at + 1), record.rdata.begin() + static_cast<long>(end));
    at = end;
  }
  return strings;
}

std::string TxtValue(const DnsRecord& record) {
  std::string value;
  for (const std::string& part : TxtStrings(record)) value += part;
  return value;
}

Result<CaaProperty> ParseCaa(const DnsRecord& record) {
  const std::vector<std::uint8_t>& d = record.rdata;
  if (d.size() < 2 || d[1] == 0 || d.size() < 2u + d[1]) {
    return MakeError("malformed CAA record at " + record.owner);
  }
  CaaProperty property;
  property.flags = d[0];
  property.tag = Lower(std::string(d.begin() + 2, d.begin() + 2 + d[1]));
  property.value.assign(d.begin() + 2 + d[1], d.end());
  return property;
}

std::string RcodeName(int rcode) {
  switch (rcode) {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    case 9: return "NOTAUTH";
    default: return "RCODE" + std::to_string(rcode);
  }
}

std::string TypeName(std::uint16_t type) {
  std::unique_ptr<char, CFree> text(ldns_rr_type2str(static_cast<ldns_rr_type>(type)));
  return text ? std::string(text.get()) : "TYPE" + std::to_string(type);
}

std::string AbsoluteName(std::string name) {
  name = Lower(std::move(name));
  while (name.size() > 1 && name.back() == '.') name.pop_back();
  if (name != ".") name += '.';
  return name;
}

bool IsAtOrBelow(const std::string& name, const std::string& zone) {
  if (zone == "." || name == zone) return true;
  return name.size() > zone.size() && name.compare(name.size() - zone.size(), zone.size(), zone) == 0 &&
         name[name.size() - zone.size() - 1] == '.';
}

}  // namespace dcv
