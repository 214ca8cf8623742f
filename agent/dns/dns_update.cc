// RFC 2136 updates of one TXT record with TSIG. ldns builds and signs the message
// (ldns_update_pkt_new puts the record in the update section; a delete of exactly one
// record is class NONE, TTL 0, the same rdata); the shared transport sends it over TCP.
// The answer counts only when it is NOERROR and its TSIG verifies with our key over our
// request's MAC: an unsigned "NOERROR" from anybody else must not be believed.
#include "agent/dns/dns_update.h"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <ldns/ldns.h>

#include "agent/dns/dns_message.h"

namespace dcv {
namespace {

struct PktFree { void operator()(ldns_pkt* p) const { ldns_pkt_free(p); } };
struct RdfFree { void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); } };
struct ListFree { void operator()(ldns_rr_list* l) const { ldns_rr_list_deep_free(l); } };
using PktPtr = std::unique_ptr<ldns_pkt, PktFree>;

// TSIG error codes (RFC 8945 section 5.3 and the registry).
std::string TsigErrorText(std::uint16_t error) {
  switch (error) {
    case 16: return "TSIG BADSIG: the key's secret differs from the server's";
    case 17: return "TSIG BADKEY: the server does not accept this key here (unknown name or algorithm, or its "
                    "policy does not let the key update this zone or name)";
    case 18: return "TSIG BADTIME: this host's clock and the server's differ by more than the fudge";
    case 22: return "TSIG BADTRUNC";
    default: return "TSIG error " + std::to_string(error);
  }
}

std::string RcodeMeaning(int rcode) {
  switch (rcode) {
    case 5: return " (the server's policy does not let this key update that name or type)";
    case 9: return " (the server is not authoritative for the zone, or refused the key)";
    case 8: return " (the record does not exist)";
    case 4: return " (the server does not accept dynamic updates)";
    default: return "";
  }
}

ldns_rr* TxtRecord(const TxtUpdate& update) {
  ldns_rr* rr = ldns_rr_new();
  ldns_rr_set_owner(rr, ldns_dname_new_frm_str(AbsoluteName(update.name).c_str()));
  ldns_rr_set_type(rr, LDNS_RR_TYPE_TXT);
  ldns_rr_set_class(rr, update.op == UpdateOp::kAdd ? LDNS_RR_CLASS_IN : LDNS_RR_CLASS_NONE);
  ldns_rr_set_ttl(rr, update.op == UpdateOp::kAdd ? update.ttl : 0);
  std::size_t at = 0;
  do {  // an empty value is one empty string
    const std::size_t length = std::min<std::size_t>(255, update.value.size() - at);
    std::vector<std::uint8_t> data{static_cast<std::uint8_t>(length)};
    data.insert(data.end(), update.value.begin() + static_cast<long>(at),
                update.value.begin() + static_cast<long>(at + length));
    ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, data.size(), data.data()));
    at += length;
  } while (at < update.value.size());
  return rr;
}

}  // namespace

Result<SignedUpdate> BuildTxtUpdate(const TxtUpdate& update, const TsigKey& key, std::uint16_t id) {
  const std::string zone = AbsoluteName(update.zone), name = AbsoluteName(update.name);
  if (!IsAtOrBelow(name, zone)) return MakeError(name + " is not in zone " + zone);
  if (!std::unique_ptr<ldns_rdf, RdfFree>(ldns_dname_new_frm_str(name.c_str()))) {
    return MakeError("not a valid DNS name: '" + name + "'");
  }
  ldns_rdf* zone_rdf = ldns_dname_new_frm_str(zone.c_str());  // the update message takes it
  if (!zone_rdf) return MakeError("not a valid DNS name: '" + zone + "'");
  std::unique_ptr<ldns_rr_list, ListFree> records(ldns_rr_list_new());
  ldns_rr_list_push_rr(records.get(), TxtRecord(update));
  PktPtr pkt(ldns_update_pkt_new(zone_rdf, LDNS_RR_CLASS_IN, nullptr, records.get(), nullptr));
  if (!pkt) return MakeError("cannot build an update for " + name);
  ldns_pkt_set_rd(pkt.get(), false);  // RFC 2136: the Z bits are zero
  ldns_pkt_set_id(pkt.get(), id);
  const ldns_status signed_ok =
      ldns_pkt_tsig_sign(pkt.get(), key.name.c_str(), key.secret.c_str(), 300, key.algorithm.c_str(), nullptr);
  if (signed_ok != LDNS_STATUS_OK || !ldns_pkt_tsig(pkt.get())) {
    return MakeError(std::string("cannot sign the update with key ") + key.name + ": " +
                     ldns_get_errorstr_by_id(signed_ok));
  }
  SignedUpdate out;
  const ldns_rdf* mac = ldns_rr_rdf(ldns_pkt_tsig(pkt.get()), 3);
  out.mac.assign(ldns_rdf_data(mac), ldns_rdf_data(mac) + ldns_rdf_size(mac));
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  if (ldns_pkt2wire(&wire, pkt.get(), &size) != LDNS_STATUS_OK) return MakeError("cannot encode the update for " + name);
  out.wire.assign(wire, wire + size);
  std::free(wire);
  return out;
}

Result<void> CheckUpdateResponse(const std::vector<std::uint8_t>& response, const SignedUpdate& request,
                                 const TsigKey& key) {
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, response.data(), response.size()) != LDNS_STATUS_OK) {
    return MakeError("the server's answer is not a DNS message");
  }
  PktPtr pkt(raw);
  const int rcode = ldns_pkt_get_rcode(pkt.get());
  ldns_rr* tsig = ldns_pkt_tsig(pkt.get());
  std::string tsig_error;
  if (tsig && ldns_rr_rd_count(tsig) > 5) {
    const std::uint16_t error = ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5));
    if (error != 0) tsig_error = TsigErrorText(error);
  }
  if (rcode != LDNS_RCODE_NOERROR || !tsig_error.empty()) {
    return MakeError("the server refused the update: " + RcodeName(rcode) +
                     (tsig_error.empty() ? RcodeMeaning(rcode) : ", " + tsig_error));
  }
  if (!tsig) return MakeError("the server's answer is not signed with the key: it cannot be trusted");
  std::unique_ptr<ldns_rdf, RdfFree> mac(
      ldns_rdf_new_frm_data(LDNS_RDF_TYPE_INT16_DATA, request.mac.size(), request.mac.data()));
  const bool verified = ldns_pkt_tsig_verify(pkt.get(), response.data(), response.size(), key.name.c_str(),
                                             key.secret.c_str(), mac.get());
  // ldns 1.8 detaches the TSIG record while it verifies and leaves it detached when it cannot
  // compute the MAC (an algorithm it does not know): reattach it, or the packet leaks it.
  if (ldns_pkt_tsig(pkt.get()) == nullptr) ldns_pkt_set_tsig(pkt.get(), tsig);
  if (!verified) {
    return MakeError("the server's answer carries a TSIG signature that does not verify with key " + key.name);
  }
  return {};
}

Result<void> SendTxtUpdate(const DnsServer& server, const TxtUpdate& update, const TsigKey& key,
                           const ExchangeOptions& options) {
  Result<SignedUpdate> request = BuildTxtUpdate(update, key, NewMessageId());
  if (!request) return request.error();
  ExchangeOptions tcp = options;
  tcp.tcp_only = true;
  const DnsExchange exchange = ExchangeAll({{server, request->wire}}, tcp).front();
  if (!exchange.answered()) {
    return MakeError("no answer from " + server.Label() + " to the update" +
                     (exchange.error.empty() ? (exchange.timed_out ? ": timed out" : "") : ": " + exchange.error));
  }
  if (auto checked = CheckUpdateResponse(exchange.response, *request, key); !checked) {
    return MakeError(server.Label() + ": " + checked.error().message);
  }
  return {};
}

Result<std::vector<std::string>> TxtValuesAt(const DnsServer& server, const std::string& name,
                                             const ExchangeOptions& options) {
  Result<std::vector<std::uint8_t>> query = BuildQuery(name, RrType::kTxt, NewMessageId());
  if (!query) return query.error();
  const DnsExchange exchange = ExchangeAll({{server, std::move(*query)}}, options).front();
  if (!exchange.answered()) return MakeError("no answer from " + server.Label() + " for " + name + " TXT");
  Result<DnsMessage> message = ParseMessage(exchange.response);
  if (!message) return message.error();
  if (!message->aa || (message->rcode != 0 && message->rcode != 3)) {
    return MakeError(server.Label() + " is not authoritative for " + name + " (" + RcodeName(message->rcode) + ")");
  }
  std::vector<std::string> values;
  for (const DnsRecord& record : message->answer) {
    if (record.Is(RrType::kTxt) && record.owner == AbsoluteName(name)) values.push_back(TxtValue(record));
  }
  return values;
}

Result<DnsServer> ParseDnsServer(const std::string& text) {
  std::string host = text, port = "53";
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string::npos) return MakeError("invalid --dns-server '" + text + "': missing ']'");
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return MakeError("invalid --dns-server '" + text + "'");
      port = text.substr(close + 2);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    host = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  }
  char* end = nullptr;
  const long number = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || number < 1 || number > 65535) {
    return MakeError("invalid --dns-server '" + text + "': bad port '" + port + "'");
  }
  DnsServer server{"", {}, static_cast<std::uint16_t>(number)};
  boost::system::error_code ec;
  server.address = boost::asio::ip::make_address(host, ec);
  if (!ec) return server;
  boost::asio::io_context io;
  boost::asio::ip::udp::resolver resolver(io);
  auto found = resolver.resolve(host, port, ec);
  if (ec || found.empty()) return MakeError("--dns-server '" + text + "': cannot resolve " + host + ": " + ec.message());
  server.name = AbsoluteName(host);
  server.address = found.begin()->endpoint().address();
  return server;
}

}  // namespace dcv
