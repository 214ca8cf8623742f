// Per-server TXT classification and the findings drawn from a survey. The survey queries
// every address (IPv4 and IPv6) of every NS name from the parent's referral in one batch;
// the batch's time is the slowest server's, not the sum. Values are compared the way CAs
// do: the character strings of one TXT record concatenated, exactly.
#include "agent/dns/txt_check.h"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

namespace dcv {
namespace {

constexpr int kMaxCnameLinks = 8;

std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

std::string JoinValues(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) out += (out.empty() ? "" : " ") + Quoted(v);
  return out.empty() ? "(none)" : out;
}

bool Has(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// No route from this host (typically IPv6): says nothing about the server.
bool NotCheckable(const ServerAnswer& answer) {
  return answer.state == ServerState::kUnreachable && answer.error == "Network is unreachable";
}

std::vector<const ServerAnswer*> InState(const TxtSurvey& survey, std::initializer_list<ServerState> states) {
  std::vector<const ServerAnswer*> found;
  for (const ServerAnswer& answer : survey.answers) {
    if (NotCheckable(answer)) continue;
    if (std::find(states.begin(), states.end(), answer.state) != states.end()) found.push_back(&answer);
  }
  return found;
}

std::string Lines(const std::vector<const ServerAnswer*>& answers) {
  std::string out;
  for (const ServerAnswer* answer : answers) out += (out.empty() ? "" : "; ") + answer->Describe();
  return out;
}

std::string ZoneLine(const std::string& name, const std::string& expected) {
  return name + " 300 IN TXT " + Quoted(expected);
}

// The same change as an RFC 2136 update for `nsupdate -k KEYFILE` (BIND's client).
std::string NsupdateScript(const TxtSurvey& survey, const std::string& name, const std::string& expected,
                           bool replace) {
  std::string script = "nsupdate -k KEYFILE <<'EOF'\n";
  if (!survey.primary.empty()) script += "server " + survey.primary + "\n";
  script += "zone " + survey.zone + "\n";
  if (replace) script += "update delete " + name + " TXT\n";
  return script + "update add " + ZoneLine(name, expected) + "\nsend\nEOF";
}

}  // namespace

std::string_view StateName(ServerState state) {
  switch (state) {
    case ServerState::kHasValue: return "has the value";
    case ServerState::kOtherValue: return "stale";
    case ServerState::kMissing: return "missing";
    case ServerState::kCname: return "alias";
    case ServerState::kLame: return "lame";
    case ServerState::kTimeout: return "timed out";
    case ServerState::kUnreachable: return "unreachable";
  }
  return "?";
}

std::string ServerAnswer::Describe() const {
  std::string text = server.Label() + ": " + std::string(StateName(state));
  if (rcode >= 0) text += ", " + RcodeName(rcode) + (aa ? " aa" : " no-aa");
  if (!values.empty()) text += ", TXT " + JoinValues(values);
  if (!cname.empty()) text += ", CNAME " + cname;
  if (truncated) text += ", truncated over UDP, answered over TCP";
  if (negative_without_soa) text += ", negative answer without SOA";
  if (!error.empty()) text += ", " + error;
  if (state != ServerState::kTimeout) text += ", " + std::to_string(rtt.count()) + " ms";
  return text;
}

ServerAnswer ClassifyTxtAnswer(const DnsExchange& exchange, const std::string& record_name,
                               const std::string& expected) {
  ServerAnswer answer;
  answer.server = exchange.server;
  answer.rtt = exchange.rtt;
  answer.truncated = exchange.truncated_udp;
  answer.error = exchange.error;
  if (!exchange.answered()) {
    answer.state = exchange.timed_out ? ServerState::kTimeout : ServerState::kUnreachable;
    return answer;
  }
  Result<DnsMessage> message = ParseMessage(exchange.response);
  if (!message) {
    answer.state = ServerState::kLame;
    answer.error = message.error().message;
    return answer;
  }
  answer.rcode = message->rcode;
  answer.aa = message->aa;
  const std::string owner = AbsoluteName(record_name);
  for (const DnsRecord& record : message->answer) {
    if (record.owner == owner && record.Is(RrType::kTxt)) answer.values.push_back(TxtValue(record));
    if (record.owner == owner && record.Is(RrType::kCname)) answer.cname = record.target;
  }
  const bool answered = message->rcode == static_cast<int>(Rcode::kNoError) ||
                        message->rcode == static_cast<int>(Rcode::kNxDomain);
  if (!answered || !message->aa) {
    answer.state = ServerState::kLame;
  } else if (Has(answer.values, expected)) {
    answer.state = ServerState::kHasValue;
  } else if (!answer.values.empty()) {
    answer.state = ServerState::kOtherValue;
  } else if (!answer.cname.empty()) {
    answer.state = ServerState::kCname;
  } else {
    answer.state = ServerState::kMissing;
    answer.negative_without_soa = std::none_of(message->authority.begin(), message->authority.end(),
                                               [](const DnsRecord& r) { return r.Is(RrType::kSoa); });
  }
  return answer;
}

Result<TxtSurvey> SurveyTxt(const std::string& record_name, const std::string& expected, const WalkOptions& options) {
  TxtSurvey survey{AbsoluteName(record_name), {}, {}, {}, {}, {}};
  std::string name = survey.record_name;
  for (int link = 0; link <= kMaxCnameLinks; ++link) {
    Result<ZoneServers> zone = FindZoneServers(name, RrType::kTxt, options);
    if (!zone) return zone.error();
    survey.zone = zone->zone;
    survey.unresolved_ns = zone->unresolved;
    survey.primary = zone->ns_names.empty() ? "" : zone->ns_names.front();
    if (zone->final_answer) {
      for (const DnsRecord& r : zone->final_answer->authority) {
        if (r.Is(RrType::kSoa) && r.owner == zone->zone) survey.primary = r.target;
      }
    }
    std::vector<DnsRequest> requests;
    for (const DnsServer& server : zone->servers) {
      Result<std::vector<std::uint8_t>> query = BuildQuery(name, RrType::kTxt, NewMessageId());
      if (!query) return query.error();
      requests.push_back({server, std::move(*query)});
    }
    survey.answers.clear();
    for (const DnsExchange& exchange : ExchangeAll(requests, options.exchange)) {
      survey.answers.push_back(ClassifyTxtAnswer(exchange, name, expected));
      spdlog::info("dns: {} TXT at {}", name, survey.answers.back().Describe());
    }
    std::set<std::string> targets;
    for (const ServerAnswer& a : survey.answers) {
      if (a.state == ServerState::kCname) targets.insert(a.cname);
    }
    const bool all_alias = !survey.answers.empty() && targets.size() == 1 &&
                           InState(survey, {ServerState::kCname}).size() == survey.answers.size();
    if (!all_alias) return survey;
    name = *targets.begin();
    survey.cname_chain.push_back(name);
  }
  return MakeError("more than " + std::to_string(kMaxCnameLinks) + " CNAME links from " + survey.record_name);
}

std::vector<Finding> TxtFindings(const std::string& domain, const std::string& expected, const TxtSurvey& survey) {
  const std::string at = survey.cname_chain.empty() ? survey.record_name : survey.cname_chain.back();
  std::string via;
  for (const std::string& link : survey.cname_chain) via += " -> " + link;
  const std::string where = survey.record_name + via + " (zone " + survey.zone + ")";
  const auto good = InState(survey, {ServerState::kHasValue});
  const auto stale = InState(survey, {ServerState::kOtherValue});
  const auto bad = InState(survey, {ServerState::kOtherValue, ServerState::kMissing, ServerState::kCname,
                                    ServerState::kLame, ServerState::kTimeout, ServerState::kUnreachable});
  std::vector<Finding> findings;
  std::string unresolved;
  for (const std::string& ns : survey.unresolved_ns) unresolved += " " + ns;
  if (!unresolved.empty()) unresolved = "; name servers without any address:" + unresolved;
  for (const ServerAnswer& a : survey.answers) {
    if (NotCheckable(a)) unresolved += "; not checked (no route from this host): " + a.server.Label();
  }
  if (good.empty() && !stale.empty()) {
    std::vector<std::string> found;
    for (const ServerAnswer* a : stale) {
      for (const std::string& v : a->values) if (!Has(found, v)) found.push_back(v);
    }
    findings.push_back({FindingCode::kTxtMismatch, Severity::kError, domain, "",
                        "TXT at " + where + ": expected " + Quoted(expected) + ", found " + JoinValues(found) +
                            " — " + Lines(bad) + unresolved,
                        "replace the TXT record with: " + ZoneLine(at, expected) + "\nor by dynamic update:\n" +
                            NsupdateScript(survey, at, expected, true),
                        "", true});
  } else if (good.empty()) {
    findings.push_back({FindingCode::kTxtMissing, Severity::kError, domain, "",
                        "no TXT record at " + where + " on any authoritative server — " +
                            (bad.empty() ? "no server address found" : Lines(bad)) + unresolved,
                        "publish: " + ZoneLine(at, expected) + "\nor by dynamic update:\n" +
                            NsupdateScript(survey, at, expected, false),
                        "", true});
  } else if (!bad.empty() || !survey.unresolved_ns.empty()) {
    findings.push_back({FindingCode::kTxtNotOnAllNs, Severity::kError, domain, "",
                        std::to_string(good.size()) + " of " + std::to_string(survey.answers.size()) +
                            " server addresses have " + Quoted(expected) + " at " + where + "; not: " + Lines(bad) +
                            unresolved,
                        "make every authoritative server of " + survey.zone +
                            " serve the record (update the secondaries or fix their zone transfer; "
                            "remove lame or dead servers from the NS set), then wait for it",
                        "", false});
  }
  return findings;
}

}  // namespace dcv
