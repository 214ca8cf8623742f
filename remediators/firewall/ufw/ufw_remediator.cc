// The ufw remediator. Detect runs `ufw status verbose` (under the C locale: ufw translates
// its output) through the host's process runner and evaluates the CA's packet classes;
// Diagnose reports one PORT_CLOSED_FIREWALL per blocked (family, port) naming the ufw rule
// or the default policy that stops it; PlanFix opens each blocked port with ufw's own
// command, which covers both families and persists in /etc/ufw/user.rules and user6.rules:
//   - a plain `<port>/tcp` rule that denies or rejects is turned into an allow in place
//     (`ufw allow` updates it), undone by `ufw deny|reject <port>/tcp`;
//   - another rule in the way: `ufw insert 1 allow <port>/tcp`, before it;
//   - only the default policy in the way: `ufw allow <port>/tcp`.
// Both of the latter are undone by `ufw delete allow <port>/tcp`, which is exact because
// the plan is only made when no such rule exists.
#include "remediators/firewall/ufw/ufw_remediator.h"

#include <net/if.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "platform/interfaces.h"

namespace dcv {
namespace {

const Argv kStatus{"env", "LANGUAGE=C", "LC_ALL=C", "ufw", "status", "verbose"};

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// IPV6=no in /etc/default/ufw: ufw leaves IPv6 alone.
bool Ipv6Managed(const std::optional<std::string>& defaults) {
  if (!defaults) return true;
  static const std::regex kIpv6(R"((^|\n)\s*IPV6\s*=\s*"?(\w+))");
  std::smatch m;
  if (!std::regex_search(*defaults, m, kIpv6)) return true;
  std::string value = m[2].str();
  std::transform(value.begin(), value.end(), value.begin(), ::tolower);
  return value == "yes";
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

}  // namespace

UfwRemediator::UfwRemediator() : UfwRemediator(Options{}) {}

UfwRemediator::UfwRemediator(Options options) : options_(std::move(options)) {
  if (!options_.read_file) options_.read_file = ReadTextFile;
  if (!options_.list_interfaces) options_.list_interfaces = InterfaceNames;
}

Result<bool> UfwRemediator::Detect(const Host& host) {
  status_ = {};
  evaluation_ = {};
  const ProcessResult r = host.runner.Run(kStatus);
  if (!r.started || r.exit_status == 127) return false;  // ufw is not installed
  if (r.timed_out) return MakeError("ufw status verbose timed out");
  if (r.exit_status != 0) {
    if (Contains(r.err, "need to be root") || Contains(r.out, "need to be root")) {
      return MakeError("ufw status verbose: permission denied (dcv-agent must run as root)");
    }
    return MakeError("ufw status verbose failed (exit " + std::to_string(r.exit_status) +
                     "): " + r.err);
  }
  auto parsed = ParseUfwStatus(r.out);
  if (!parsed) return MakeError("cannot read ufw status: " + parsed.error().message);
  status_ = std::move(*parsed);
  if (!status_.active) return false;
  evaluate_options_.interfaces = options_.list_interfaces();
  evaluation_ = EvaluateUfw(status_, evaluate_options_);
  if (!Ipv6Managed(options_.read_file(options_.defaults_path))) {
    std::erase_if(evaluation_.verdicts, [](const UfwVerdict& v) { return v.ip_version == 6; });
  }
  return true;
}

Finding UfwRemediator::MakeFinding(const UfwVerdict& v) const {
  const std::string port = std::to_string(v.port);
  std::string evidence = "ufw: a new IPv" + std::to_string(v.ip_version) +
                         " connection to tcp/" + port + " from outside is stopped by ";
  Finding f;
  f.code = FindingCode::kPortClosedFirewall;
  f.severity = Severity::kError;
  if (v.rule) {
    const UfwRule& rule = status_.rules[*v.rule];
    evidence += "rule `" + rule.text + "`";
    f.source = "ufw rule `" + rule.text + "`";
  } else {
    const std::string policy = status_.default_incoming.empty() ? "deny" : status_.default_incoming;
    evidence += "the default incoming policy (" + policy + ")";
    f.source = "ufw default incoming policy " + policy;
  }
  for (const auto& note : v.notes) evidence += "; " + note;
  f.evidence = evidence;
  f.remedy = "`ufw allow " + port + "/tcp` (IPv4 and IPv6; ufw keeps it in /etc/ufw/user.rules"
             " and user6.rules); `dcv-agent fix` does this";
  return f;
}

void UfwRemediator::Diagnose(const Target& target, const Host& /*host*/, Diagnosis& out) {
  if (target.method == Method::kDns) return;  // the CA does not connect to this host
  for (const UfwVerdict* v : evaluation_.Blocked()) out.findings.push_back(MakeFinding(*v));
}

Step UfwRemediator::OpeningStep(int port) const {
  const std::string spec = std::to_string(port) + "/tcp";
  std::string description = "ufw: allow tcp/" + std::to_string(port) + " (IPv4 and IPv6)";
  const std::string persisted = "; ufw keeps it in /etc/ufw/user.rules and user6.rules";
  for (const UfwRule& rule : status_.rules) {  // a plain rule for the port: ufw updates it
    if (rule.direction == "IN" && rule.IsPlainTcpPort(port) &&
        (rule.action == "DENY" || rule.action == "REJECT")) {
      return {"ufw.allow." + std::to_string(port), std::string(id()),
              description + ": turn `" + rule.text + "` into an allow" + persisted,
              RunCommand{{"ufw", "allow", spec}, UndoCommand{{"ufw", Lower(rule.action), spec}, {}, ""}}};
    }
  }
  const bool rule_in_the_way = std::any_of(
      evaluation_.verdicts.begin(), evaluation_.verdicts.end(),
      [&](const UfwVerdict& v) { return v.port == port && !v.open && v.rule; });
  Argv argv = rule_in_the_way ? Argv{"ufw", "insert", "1", "allow", spec} : Argv{"ufw", "allow", spec};
  description += rule_in_the_way ? " before every other rule" : "";
  return {"ufw.allow." + std::to_string(port), std::string(id()), description + persisted,
          RunCommand{std::move(argv), UndoCommand{{"ufw", "delete", "allow", spec}, {}, ""}}};
}

Result<void> UfwRemediator::PlanFix(const Target& target, const Host& /*host*/,
                                    const Diagnosis& /*diagnosis*/, Plan& plan) {
  if (target.method == Method::kDns) return {};
  for (int port : evaluate_options_.ports) {
    const bool blocked = std::any_of(evaluation_.verdicts.begin(), evaluation_.verdicts.end(),
                                     [&](const UfwVerdict& v) { return v.port == port && !v.open; });
    if (blocked) plan.steps.push_back(OpeningStep(port));
  }
  return {};
}

Result<void> UfwRemediator::PlanCleanup(const Target& /*target*/, const Host& /*host*/,
                                        Plan& /*plan*/) {
  return {};  // openings are permanent until `--temporary` exists (issue 3)
}

}  // namespace dcv
