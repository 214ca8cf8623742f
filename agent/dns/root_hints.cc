// Root hints. The built-in list is IANA's named.root (the same data as Debian's
// dns-root-data package); a file in the same format replaces it. Only the NS records of
// "." and the addresses of those servers are used.
#include "agent/dns/root_hints.h"

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <ldns/ldns.h>

#include "agent/dns/dns_message.h"

namespace dcv {
namespace {

struct RrFree { void operator()(ldns_rr* rr) const { ldns_rr_free(rr); } };

std::string RdfName(const ldns_rdf* rdf) {
  char* text = ldns_rdf2str(rdf);
  std::string name = text ? AbsoluteName(text) : std::string();
  std::free(text);
  return name;
}

}  // namespace

std::vector<DnsServer> BuiltInRootServers() {
  static const char* const kRoots[][3] = {
      {"a", "198.41.0.4", "2001:503:ba3e::2:30"},   {"b", "170.247.170.2", "2801:1b8:10::b"},
      {"c", "192.33.4.12", "2001:500:2::c"},        {"d", "199.7.91.13", "2001:500:2d::d"},
      {"e", "192.203.230.10", "2001:500:a8::e"},    {"f", "192.5.5.241", "2001:500:2f::f"},
      {"g", "192.112.36.4", "2001:500:12::d0d"},    {"h", "198.97.190.53", "2001:500:1::53"},
      {"i", "192.36.148.17", "2001:7fe::53"},       {"j", "192.58.128.30", "2001:503:c27::2:30"},
      {"k", "193.0.14.129", "2001:7fd::1"},         {"l", "199.7.83.42", "2001:500:9f::42"},
      {"m", "202.12.27.33", "2001:dc3::35"},
  };
  std::vector<DnsServer> servers;
  for (const auto& root : kRoots) {
    const std::string name = std::string(root[0]) + ".root-servers.net.";
    servers.push_back({name, boost::asio::ip::make_address(root[1]), 53});
    servers.push_back({name, boost::asio::ip::make_address(root[2]), 53});
  }
  return servers;
}

Result<std::vector<DnsServer>> ReadRootHints(const std::string& path) {
  std::ifstream in(path);
  if (!in) return MakeError("cannot read root hints file " + path);
  std::set<std::string> root_ns;
  std::multimap<std::string, boost::asio::ip::address> addresses;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::size_t comment = line.find(';');
    if (comment != std::string::npos) line.erase(comment);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ldns_rr* raw = nullptr;
    if (ldns_rr_new_frm_str(&raw, line.c_str(), 3600, nullptr, nullptr) != LDNS_STATUS_OK || !raw) {
      return MakeError("root hints file " + path + ":" + std::to_string(number) + ": not a DNS record: " + line);
    }
    std::unique_ptr<ldns_rr, RrFree> rr(raw);
    const std::string owner = RdfName(ldns_rr_owner(rr.get()));
    const ldns_rr_type type = ldns_rr_get_type(rr.get());
    if (type == LDNS_RR_TYPE_NS && owner == ".") {
      root_ns.insert(RdfName(ldns_rr_rdf(rr.get(), 0)));
    } else if (type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA) {
      char* text = ldns_rdf2str(ldns_rr_rdf(rr.get(), 0));
      boost::system::error_code ec;
      const auto address = boost::asio::ip::make_address(text ? text : "", ec);
      std::free(text);
      if (!ec) addresses.emplace(owner, address);
    }
  }
  std::vector<DnsServer> servers;
  for (const std::string& name : root_ns) {
    auto [begin, end] = addresses.equal_range(name);
    for (auto it = begin; it != end; ++it) servers.push_back({name, it->second, 53});
  }
  if (servers.empty()) return MakeError("root hints file " + path + " names no root server with an address");
  return servers;
}

}  // namespace dcv
