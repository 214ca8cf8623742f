// The referral walk. Each step asks a few servers of the current zone at once and takes
// the first usable answer (the others are cancelled), so a dead server costs nothing while
// another one answers. NS names without glue are resolved by a nested walk, bounded in depth.
#include "agent/dns/delegation.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace dcv {
namespace {

constexpr std::size_t kServersPerStep = 4;
constexpr int kMaxSteps = 32;

bool Usable(const DnsMessage& m) {
  return m.rcode == static_cast<int>(Rcode::kNoError) || m.rcode == static_cast<int>(Rcode::kNxDomain);
}

std::vector<DnsRequest> StepRequests(const std::vector<DnsServer>& servers, const std::string& name, RrType type) {
  std::vector<DnsRequest> requests;
  for (std::size_t i = 0; i < servers.size() && requests.size() < kServersPerStep; ++i) {
    Result<std::vector<std::uint8_t>> query = BuildQuery(name, type, NewMessageId());
    if (query) requests.push_back({servers[i], std::move(*query)});
  }
  return requests;
}

// The first usable answer of one step, with the server that gave it.
std::optional<std::pair<DnsMessage, DnsServer>> AskStep(const std::vector<DnsServer>& servers,
                                                        const std::string& name, RrType type,
                                                        const ExchangeOptions& options) {
  auto usable = [](const DnsExchange& exchange) {
    Result<DnsMessage> message = ParseMessage(exchange.response);
    return message && Usable(*message);
  };
  for (const DnsExchange& exchange : ExchangeAll(StepRequests(servers, name, type), options, usable)) {
    if (!exchange.answered()) continue;
    Result<DnsMessage> message = ParseMessage(exchange.response);
    if (message && Usable(*message)) return std::make_pair(std::move(*message), exchange.server);
  }
  return std::nullopt;
}

void AddServers(ZoneServers& zone, const Referral& referral, const WalkOptions& options, int depth) {
  zone.ns_names = referral.ns_names;
  zone.servers.clear();
  zone.unresolved.clear();
  for (const std::string& ns : referral.ns_names) {
    std::vector<DnsServer> found;
    for (const DnsServer& glue : referral.glue) {
      if (glue.name == ns) found.push_back(glue);
    }
    if (found.empty() && depth < options.max_depth) found = ResolveServerAddresses(ns, options, depth + 1);
    if (found.empty()) zone.unresolved.push_back(ns);
    zone.servers.insert(zone.servers.end(), found.begin(), found.end());
  }
}

}  // namespace

std::optional<Referral> ReadReferral(const DnsMessage& message, const std::string& qname,
                                     const std::string& current_zone) {
  if (message.aa || !message.answer.empty()) return std::nullopt;
  Referral referral;
  for (const DnsRecord& record : message.authority) {
    if (!record.Is(RrType::kNs)) continue;
    if (!IsAtOrBelow(qname, record.owner) || record.owner == current_zone ||
        !IsAtOrBelow(record.owner, current_zone)) {
      continue;
    }
    if (referral.zone.empty()) referral.zone = record.owner;
    if (record.owner == referral.zone) referral.ns_names.push_back(record.target);
  }
  if (referral.zone.empty()) return std::nullopt;
  for (const DnsRecord& record : message.additional) {
    if (!record.Is(RrType::kA) && !record.Is(RrType::kAaaa)) continue;
    if (std::find(referral.ns_names.begin(), referral.ns_names.end(), record.owner) == referral.ns_names.end()) {
      continue;
    }
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(record.address, ec);
    if (!ec) referral.glue.push_back({record.owner, address, 53});
  }
  return referral;
}

Result<ZoneServers> FindZoneServers(const std::string& name, RrType type, const WalkOptions& options, int depth) {
  const std::string qname = AbsoluteName(name);
  ZoneServers zone{".", {}, options.roots, {}, std::nullopt, {}};
  for (const DnsServer& root : options.roots) {
    if (std::find(zone.ns_names.begin(), zone.ns_names.end(), root.name) == zone.ns_names.end()) {
      zone.ns_names.push_back(root.name);
    }
  }
  for (int step = 0; step < kMaxSteps; ++step) {
    auto answer = AskStep(zone.servers, qname, type, options.exchange);
    if (!answer) {
      if (zone.zone == ".") return MakeError("no root server answered a query for " + qname);
      spdlog::debug("dns: no server of {} answered for {}", zone.zone, qname);
      return zone;  // the parent's view: the servers the CA would try, none of them working
    }
    std::optional<Referral> referral = ReadReferral(answer->first, qname, zone.zone);
    if (!referral) {
      for (const DnsRecord& record : answer->first.authority) {  // one server may serve parent and child
        if (answer->first.aa && record.Is(RrType::kSoa) && IsAtOrBelow(record.owner, zone.zone)) zone.zone = record.owner;
      }
      zone.final_answer = std::move(answer->first);
      zone.final_server = answer->second.Label();
      return zone;
    }
    spdlog::debug("dns: {} refers {} to {}", answer->second.Label(), qname, referral->zone);
    zone.zone = referral->zone;
    AddServers(zone, *referral, options, depth);
    if (zone.servers.empty()) return zone;
  }
  return MakeError("too many referrals while looking for the zone of " + qname);
}

std::vector<DnsServer> ResolveServerAddresses(const std::string& host, const WalkOptions& options, int depth) {
  std::vector<DnsServer> servers;
  for (RrType type : {RrType::kA, RrType::kAaaa}) {
    Result<ZoneServers> zone = FindZoneServers(host, type, options, depth);
    if (!zone || !zone->final_answer) continue;
    for (const DnsRecord& record : zone->final_answer->answer) {
      if (record.owner != AbsoluteName(host) || !(record.Is(RrType::kA) || record.Is(RrType::kAaaa))) continue;
      boost::system::error_code ec;
      const auto address = boost::asio::ip::make_address(record.address, ec);
      if (!ec) servers.push_back({AbsoluteName(host), address, 53});
    }
  }
  return servers;
}

}  // namespace dcv
