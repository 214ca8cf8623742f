// dns_txt_bench: the TXT check's cost next to its baseline. For N domains it finds every
// authoritative server address (referral walk), then times, over R rounds:
//   - each (domain, server) query alone; the baseline is the slowest of them;
//   - all of them in one concurrent batch (what the agent's survey does);
//   - the whole check as the agent runs it (walk + survey per domain).
// Prints medians and the ratio batch / slowest single (target <= 1.2).
// With --delay-ms MIN-MAX every server address is reached through a relay that holds each
// query MIN..MAX ms (spread evenly over the addresses): the network distance real
// authoritative servers have, which the fixture's servers on one bridge lack (no netem here).
// Usage: dns_txt_bench --root-hints FILE [--rounds R] [--delay-ms MIN-MAX] NAME=VALUE...
#include <algorithm>
#include <memory>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "agent/dns/root_hints.h"
#include "agent/dns/txt_check.h"
#include "bench/dns_delay_relay.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

std::vector<dcv::DnsRequest> Requests(const std::vector<std::pair<std::string, dcv::DnsServer>>& targets) {
  std::vector<dcv::DnsRequest> requests;
  for (const auto& [name, server] : targets) {
    requests.push_back({server, *dcv::BuildQuery(name, dcv::RrType::kTxt, dcv::NewMessageId())});
  }
  return requests;
}

}  // namespace

int main(int argc, char** argv) {
  std::string hints;
  int rounds = 50;
  int delay_min = -1, delay_max = -1;
  std::vector<std::pair<std::string, std::string>> records;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--root-hints" && i + 1 < argc) hints = argv[++i];
    else if (arg == "--rounds" && i + 1 < argc) rounds = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--delay-ms" && i + 1 < argc && std::sscanf(argv[++i], "%d-%d", &delay_min, &delay_max) == 2) {}
    else if (arg.find('=') != std::string::npos) records.emplace_back(arg.substr(0, arg.find('=')), arg.substr(arg.find('=') + 1));
    else { std::fprintf(stderr, "usage: dns_txt_bench --root-hints FILE [--rounds R] [--delay-ms MIN-MAX] NAME=VALUE...\n"); return 2; }
  }
  spdlog::set_level(spdlog::level::warn);  // the survey logs every answer at info
  dcv::WalkOptions options;
  auto roots = hints.empty() ? dcv::Result<std::vector<dcv::DnsServer>>(dcv::BuiltInRootServers()) : dcv::ReadRootHints(hints);
  if (!roots) { std::fprintf(stderr, "%s\n", roots.error().message.c_str()); return 2; }
  options.roots = *roots;
  std::vector<std::pair<std::string, dcv::DnsServer>> targets;
  for (const auto& [name, value] : records) {
    auto zone = dcv::FindZoneServers(name, dcv::RrType::kTxt, options);
    if (!zone) { std::fprintf(stderr, "%s\n", zone.error().message.c_str()); return 1; }
    for (const dcv::DnsServer& server : zone->servers) targets.emplace_back(name, server);
  }
  std::unique_ptr<dcv::bench::DelayRelays> relays;
  if (delay_min >= 0) {
    std::vector<dcv::DnsServer> servers;
    std::vector<std::chrono::milliseconds> delays;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      servers.push_back(targets[i].second);
      const int span = delay_max - delay_min, n = static_cast<int>(targets.size());
      delays.emplace_back(delay_min + (n > 1 ? span * static_cast<int>(i) / (n - 1) : 0));
    }
    relays = std::make_unique<dcv::bench::DelayRelays>(servers, delays);
    for (std::size_t i = 0; i < targets.size(); ++i) targets[i].second = relays->fronts()[i];
  }
  std::vector<double> slowest, batch, full;
  for (int r = 0; r < rounds; ++r) {
    double worst = 0;
    for (const auto& target : targets) {
      const auto start = Clock::now();
      dcv::ExchangeAll(Requests({target}), options.exchange);
      worst = std::max(worst, Ms(Clock::now() - start));
    }
    slowest.push_back(worst);
    auto start = Clock::now();
    auto all = dcv::ExchangeAll(Requests(targets), options.exchange);
    batch.push_back(Ms(Clock::now() - start));
    for (const auto& e : all) {
      if (!e.answered()) { std::fprintf(stderr, "no answer from %s\n", e.server.Label().c_str()); return 1; }
    }
    if (relays) continue;  // the referral walk cannot be sent through the relays
    start = Clock::now();
    for (const auto& [name, value] : records) dcv::SurveyTxt(name, value, options);
    full.push_back(Ms(Clock::now() - start));
  }
  const double base = Median(slowest), ours = Median(batch);
  std::printf("domains: %zu, server addresses queried: %zu, rounds: %d, %s\n", records.size(), targets.size(), rounds,
              relays ? ("each address behind a relay delaying " + std::to_string(delay_min) + "-" +
                        std::to_string(delay_max) + " ms").c_str()
                     : "no added delay (servers on the same bridge)");
  std::printf("baseline: slowest single server's response (median) %8.3f ms\n", base);
  std::printf("TXT survey, all servers concurrently (median)     %8.3f ms   ratio %.2fx (target <= 1.2x)\n", ours,
              ours / base);
  if (!relays) {
    std::printf("whole check incl. referral walks (median)          %8.3f ms   ratio %.2fx\n", Median(full),
                Median(full) / base);
  }
  return 0;
}
