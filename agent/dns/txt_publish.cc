// Publishing and removing the dns method's TXT record as plan steps. Each step runs the
// agent's own `dns-update` subcommand, so the plan shows a command a sysadmin could run by
// hand and the journal undoes it like any other command: an add is undone by deleting
// exactly that record (only when the server has it: the lookup asks the server), a delete
// by adding it back (RFC 2136 ignores a duplicate, so that undo is safe to repeat).
// The planner asks the update server first: a record it already has is not added again,
// so an undo can never remove a record that was there before the agent.
#include "agent/dns/txt_publish.h"

#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "agent/dns/dns_diagnosis.h"
#include "agent/dns/dns_update.h"
#include "agent/dns/txt_check.h"

namespace dcv {
namespace {

constexpr const char* kRemediator = "dns.rfc2136";
constexpr const char* kTtl = "60";

struct RecordSite {
  std::string zone;
  std::string name;  // where the record lives: the end of a CNAME chain (delegated validation)
};

Result<RecordSite> SiteOf(const Target& target, const std::string& domain, const WalkOptions& options) {
  Result<TxtSurvey> survey = SurveyTxt(TxtRecordName(target, domain), target.content, options);
  if (!survey) return survey.error();
  return RecordSite{survey->zone, survey->cname_chain.empty() ? survey->record_name : survey->cname_chain.back()};
}

std::string RegexEscape(const std::string& text) {
  static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
  return std::regex_replace(text, special, R"(\$&)");
}

Argv UpdateArgv(const std::string& self, const Target& target, const std::string& zone, const std::string& verb,
                const std::string& name) {
  const std::string key = std::filesystem::absolute(target.tsig_key).string();
  Argv argv{self, "dns-update", "--dns-server", target.dns_server, "--tsig-key", key, "--zone", zone};
  if (verb == "add") argv.insert(argv.end(), {"--ttl", kTtl});
  argv.insert(argv.end(), {"--", verb, name, target.content});
  return argv;
}

Argv ShowArgv(const std::string& self, const Target& target, const std::string& name) {
  return {self, "dns-update", "--dns-server", target.dns_server, "--", "show", name};
}

// Per domain: where its record lives and whether the update server has the value. Names
// shared by several domains are visited once.
Result<std::vector<std::pair<RecordSite, bool>>> Sites(const Target& target) {
  Result<WalkOptions> options = WalkOptionsFor(target);
  if (!options) return options.error();
  Result<DnsServer> server = ParseDnsServer(target.dns_server);
  if (!server) return server.error();
  std::vector<std::pair<RecordSite, bool>> sites;
  std::set<std::string> seen;
  for (const std::string& domain : target.domains) {
    Result<RecordSite> site = SiteOf(target, domain, *options);
    if (!site) return MakeError("dns: " + TxtRecordName(target, domain) + ": " + site.error().message);
    if (!seen.insert(site->name).second) continue;
    Result<std::vector<std::string>> values = TxtValuesAt(*server, site->name, options->exchange);
    if (!values) return MakeError("dns: the update server: " + values.error().message);
    const bool has = std::find(values->begin(), values->end(), target.content) != values->end();
    sites.emplace_back(*site, has);
  }
  return sites;
}

}  // namespace

Result<std::vector<Step>> PlanTxtPublish(const Target& target, const std::string& self) {
  auto sites = Sites(target);
  if (!sites) return sites.error();
  std::vector<Step> steps;
  for (const auto& [site, has] : *sites) {
    if (has) {
      spdlog::info("dns: {} already has {} on {}: nothing to publish", site.name, target.content, target.dns_server);
      continue;
    }
    UndoCommand undo{UpdateArgv(self, target, site.zone, "delete", site.name), ShowArgv(self, target, site.name),
                     "\n" + RegexEscape(nlohmann::json(target.content).dump()) + "\n"};
    steps.push_back({"dns.publish." + site.name, kRemediator,
                     "publish " + site.name + " TXT \"" + target.content + "\" by RFC 2136 update to " +
                         target.dns_server + " (zone " + site.zone + ")",
                     RunCommand{UpdateArgv(self, target, site.zone, "add", site.name), std::move(undo)}});
  }
  return steps;
}

Result<std::vector<Step>> PlanTxtRemoval(const Target& target, const std::string& self) {
  auto sites = Sites(target);
  if (!sites) return sites.error();
  std::vector<Step> steps;
  for (const auto& [site, has] : *sites) {
    if (!has) continue;
    // Adding back a record that is there changes nothing, so this undo always runs.
    UndoCommand undo{UpdateArgv(self, target, site.zone, "add", site.name), ShowArgv(self, target, site.name),
                     "^values:"};
    steps.push_back({"dns.remove." + site.name, kRemediator,
                     "delete " + site.name + " TXT \"" + target.content + "\" by RFC 2136 update to " +
                         target.dns_server + " (zone " + site.zone + ")",
                     RunCommand{UpdateArgv(self, target, site.zone, "delete", site.name), std::move(undo)}});
  }
  return steps;
}

PropagationResult WaitForTxtEverywhere(const Target& target, std::chrono::seconds bound) {
  const auto start = std::chrono::steady_clock::now();
  PropagationResult result;
  Result<WalkOptions> options = WalkOptionsFor(target);
  if (!options) return result;
  for (;;) {
    ++result.rounds;
    result.complete = true;
    for (const std::string& domain : target.domains) {
      Result<TxtSurvey> survey = SurveyTxt(TxtRecordName(target, domain), target.content, *options);
      if (!survey || !TxtFindings(domain, target.content, *survey).empty()) result.complete = false;
    }
    result.waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (result.complete || result.waited + std::chrono::seconds(1) > bound) break;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  spdlog::info("dns: {} after {} ms ({} rounds)", result.complete ? "every server answers the record" : "still not on every server",
               result.waited.count(), result.rounds);
  return result;
}

Result<std::string> SelfExecutable() {
  std::error_code ec;
  std::filesystem::path path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return MakeError("cannot find the agent's own executable: " + ec.message());
  return path.string();
}

}  // namespace dcv
