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
// the plan is only made when no such rule exists. --allow-from opens `from NET to any port
// P proto tcp` per network (`ufw prepend` when a rule is in the way). --temporary adds the
// comment "dcv-agent temporary <run>" (with " was deny" when a deny was turned into the
// allow), and PlanCleanup deletes such rules, or turns them back into the deny.
#include "remediators/firewall/ufw/ufw_remediator.h"

#include <net/if.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "platform/interfaces.h"
#include "remediators/firewall/opening_mark.h"

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

Argv Concat(Argv a, const Argv& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// ufw's words for "tcp/<ports> from <source>": "80/tcp", or "from NET to any port 80 proto tcp".
Argv RuleWords(const std::string& ports, const std::string& protocol, const std::string& source) {
  if (source.empty()) return {ports + "/" + protocol};
  return {"from", source, "to", "any", "port", ports, "proto", protocol};
}

std::string PortsOf(const UfwRule& rule) {
  std::string s;
  for (const auto& r : rule.ports) {
    s += (s.empty() ? "" : ",") + std::to_string(r.first) +
         (r.last != r.first ? ":" + std::to_string(r.last) : "");
  }
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
  ipv6_managed_ = Ipv6Managed(options_.read_file(options_.defaults_path));
  Evaluate();
  return true;
}

void UfwRemediator::Evaluate() {
  evaluation_ = EvaluateUfw(status_, evaluate_options_);
  if (!ipv6_managed_) {
    std::erase_if(evaluation_.verdicts, [](const UfwVerdict& v) { return v.ip_version == 6; });
  }
}

void UfwRemediator::EvaluateFrom(const std::vector<Cidr>& allow_from) {
  if (allow_from == evaluate_options_.allow_from) return;
  evaluate_options_.allow_from = allow_from;
  if (status_.active) Evaluate();
}

Finding UfwRemediator::MakeFinding(const UfwVerdict& v) const {
  const std::string port = std::to_string(v.port);
  std::string evidence = "ufw: a new IPv" + std::to_string(v.ip_version) +
                         " connection to tcp/" + port + " from " +
                         (v.source.IsAny() ? "outside" : v.source.ToString()) + " is stopped by ";
  Finding f;
  f.code = FindingCode::kPortClosedFirewall;
  f.severity = Severity::kError;
  f.ip_version = v.ip_version;
  f.port = v.port;
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
  EvaluateFrom(target.allow_from);
  for (const UfwVerdict* v : evaluation_.Blocked()) out.findings.push_back(MakeFinding(*v));
}

Step UfwRemediator::OpeningStep(int port, const Cidr& source, const Target& target,
                                const Host& host) const {
  const std::string from = source.IsAny() ? "" : source.ToString();
  const Argv words = RuleWords(std::to_string(port), "tcp", from);
  const std::string mark = OpeningComment(host.run_id, true);
  const std::string id_text = "ufw.allow." + std::to_string(port) + (from.empty() ? "" : ".from-" + from);
  std::string description = "ufw: allow tcp/" + std::to_string(port) +
                            (from.empty() ? " (IPv4 and IPv6)" : " from " + from);
  const std::string persisted = target.temporary ? "; marked temporary: cleanup removes it"
                                                 : "; ufw keeps it in /etc/ufw/user.rules and user6.rules";
  for (const UfwRule& rule : status_.rules) {  // a plain rule for the port: ufw updates it
    if (from.empty() && rule.direction == "IN" && rule.IsPlainTcpPort(port) &&
        (rule.action == "DENY" || rule.action == "REJECT")) {
      const Argv comment = target.temporary ? Argv{"comment", mark + " was " + Lower(rule.action)} : Argv{};
      return {id_text, std::string(id()), description + ": turn `" + rule.text + "` into an allow" + persisted,
              RunCommand{Concat(Concat({"ufw", "allow"}, words), comment),
                         UndoCommand{Concat({"ufw", Lower(rule.action)}, words), {}, ""}}};
    }
  }
  const bool rule_in_the_way = std::any_of(
      evaluation_.verdicts.begin(), evaluation_.verdicts.end(),
      [&](const UfwVerdict& v) {
        const bool same = v.source.IsAny() ? source.IsAny() : v.source == source;
        return v.port == port && same && !v.open && v.rule;
      });
  Argv argv = !rule_in_the_way ? Argv{"ufw", "allow"}
              : from.empty()   ? Argv{"ufw", "insert", "1", "allow"}
                               : Argv{"ufw", "prepend", "allow"};
  argv = Concat(argv, words);
  if (target.temporary) argv = Concat(argv, {"comment", mark});
  description += rule_in_the_way ? " before every other rule" : "";
  return {id_text, std::string(id()), description + persisted,
          RunCommand{std::move(argv), UndoCommand{Concat({"ufw", "delete", "allow"}, words), {}, ""}}};
}

Result<void> UfwRemediator::PlanFix(const Target& target, const Host& host,
                                    const Diagnosis& /*diagnosis*/, Plan& plan) {
  if (target.method == Method::kDns) return {};
  EvaluateFrom(target.allow_from);
  for (int port : evaluate_options_.ports) {
    std::vector<Cidr> sources;  // blocked senders of this port, each opened once ("any": both families)
    for (const UfwVerdict* v : evaluation_.Blocked()) {
      const Cidr source = v->source.IsAny() ? Cidr::Any(4) : v->source;
      if (v->port == port && std::find(sources.begin(), sources.end(), source) == sources.end()) {
        sources.push_back(source);
      }
    }
    for (const Cidr& source : sources) plan.steps.push_back(OpeningStep(port, source, target, host));
  }
  return {};
}

Result<void> UfwRemediator::PlanCleanup(const Target& /*target*/, const Host& /*host*/, Plan& plan) {
  std::vector<std::string> done;  // a rule of both families shows as a v4 and a (v6) row
  for (size_t i = 0; i < status_.rules.size(); ++i) {
    const UfwRule& rule = status_.rules[i];
    if (!rule.comment.starts_with(kTemporaryCommentPrefix) || rule.action != "ALLOW") continue;
    const Argv words = RuleWords(PortsOf(rule), rule.protocol.empty() ? "tcp" : rule.protocol, rule.source);
    std::string key;
    for (const auto& w : words) key += w + " ";
    if (std::find(done.begin(), done.end(), key) != done.end()) continue;
    done.push_back(key);
    const Argv comment{"comment", rule.comment};
    std::string was;
    for (const char* action : {"deny", "reject"}) {
      if (rule.comment.ends_with(std::string(" was ") + action)) was = action;
    }
    const bool first = std::none_of(status_.rules.begin(), status_.rules.begin() + static_cast<long>(i),
                                    [&](const UfwRule& r) { return r.ip_version == rule.ip_version; });
    Argv undo = !first ? Argv{"ufw", "allow"}
                : rule.source.empty() ? Argv{"ufw", "insert", "1", "allow"} : Argv{"ufw", "prepend", "allow"};
    RunCommand run = was.empty()
        ? RunCommand{Concat({"ufw", "delete", "allow"}, words), UndoCommand{Concat(Concat(undo, words), comment), {}, ""}}
        : RunCommand{Concat({"ufw", was}, words),
                     UndoCommand{Concat(Concat({"ufw", "allow"}, words), comment), {}, ""}};
    plan.steps.push_back({"ufw.remove-temporary." + std::to_string(i + 1), std::string(id()),
                          "ufw: " + (was.empty() ? "delete" : "turn back into a " + was) +
                              " the temporary opening `" + rule.text + "`",
                          std::move(run)});
  }
  return {};
}

}  // namespace dcv
