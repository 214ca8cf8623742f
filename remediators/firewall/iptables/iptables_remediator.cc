// The iptables remediator: Detect runs the save commands of each stack in use (through
// the host's process runner, never a shell) and evaluates filter/INPUT per family;
// Diagnose reports one PORT_CLOSED_FIREWALL per stack, family and port, naming the rule
// that stops the packet; PlanFix inserts accept rules (undone with -D after checking the
// save output still shows them) and persists them in the file the default stack's
// iptables-restore loads at boot. --allow-from evaluates and opens for those networks
// (`-s`, one rule each); --temporary openings are runtime only and marked in their
// comment, and PlanCleanup deletes them (undone by inserting them back in place).
#include "remediators/firewall/iptables/iptables_remediator.h"

#include <net/if.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "agent/core/unified_diff.h"
#include "remediators/firewall/iptables/ipt_persist.h"

#include "platform/interfaces.h"

namespace dcv {
namespace {

IptStack SystemDefaultStack() {
  std::error_code ec;
  const auto real = std::filesystem::canonical("/usr/sbin/iptables", ec);
  return !ec && real.string().find("legacy") != std::string::npos ? IptStack::kLegacy
                                                                    : IptStack::kNft;
}

bool HasTables(const std::optional<std::string>& names) {
  return names && names->find_first_not_of(" \n") != std::string::npos;
}

std::string Family(int ip_version) { return ip_version == 4 ? "IPv4" : "IPv6"; }

std::string StopSource(const IptablesRemediator::View& view, const IptStop& stop) {
  std::string s = IptCommand(view.stack, view.ip_version) + " filter " + stop.chain;
  if (stop.is_policy()) return s + " " + stop.verdict;
  return s + " rule " + std::to_string(stop.rule_index + 1) + ": " + stop.rule_text;
}

std::string PortList(const std::vector<int>& ports) {
  std::string s;
  for (int port : ports) s += (s.empty() ? "tcp/" : " and tcp/") + std::to_string(port);
  return s;
}

}  // namespace

IptablesRemediator::IptablesRemediator() : IptablesRemediator(Options{}) {}

IptablesRemediator::IptablesRemediator(Options options) : options_(std::move(options)) {
  if (!options_.read_file) options_.read_file = ReadTextFile;
  if (!options_.file_exists) {
    options_.file_exists = [](const std::string& p) { return std::filesystem::exists(p); };
  }
  if (!options_.list_interfaces) options_.list_interfaces = InterfaceNames;
  if (!options_.default_stack) options_.default_stack = SystemDefaultStack;
}

Result<void> IptablesRemediator::ReadStack(const Host& host, IptStack stack, int ip_version) {
  const std::string command = IptSaveCommand(stack, ip_version);
  const ProcessResult r = host.runner.Run({command});
  if (!r.started) return {};  // that stack is not installed
  if (r.timed_out) return MakeError(command + " timed out");
  if (r.exit_status != 0) {
    if (r.err.find("ermission denied") != std::string::npos) {
      return MakeError(command + ": permission denied (dcv-agent must run as root)");
    }
    return {};  // e.g. no nf_tables in this kernel: the stack is not in use
  }
  auto parsed = ParseIptablesSave(r.out);
  if (!parsed) return MakeError("cannot read " + command + " output: " + parsed.error().message);
  if (parsed->empty()) return {};
  View view{stack, ip_version, r.out, std::move(*parsed), {}};
  view.paths = EvaluateIptInput(view.ruleset, ip_version, ports_, interfaces_, allow_from_);
  views_.push_back(std::move(view));
  return {};
}

Result<bool> IptablesRemediator::Detect(const Host& host) {
  views_.clear();
  interfaces_ = options_.list_interfaces();
  for (int version : {4, 6}) {
    if (auto r = ReadStack(host, IptStack::kNft, version); !r) return r.error();
  }
  const bool legacy4 = HasTables(options_.read_file("/proc/net/ip_tables_names"));
  const bool legacy6 = HasTables(options_.read_file("/proc/net/ip6_tables_names"));
  for (int version : {4, 6}) {
    if (!(version == 4 ? legacy4 : legacy6)) continue;
    if (auto r = ReadStack(host, IptStack::kLegacy, version); !r) return r.error();
  }
  return !views_.empty();
}

bool IptablesRemediator::AllOpen() const {
  for (const auto& view : views_) {
    for (const auto& path : view.paths) {
      if (!path.open() && IptStopOwner(view.ruleset, *path.stop).empty()) return false;
    }
  }
  return true;
}

Finding IptablesRemediator::MakeFinding(const View& view, const IptPathVerdict& path) const {
  const IptStop& stop = *path.stop;
  std::string evidence = StackName(view.stack) + " (" + Family(view.ip_version) +
                         "): a new connection to tcp/" + std::to_string(path.port) +
                         " from outside is stopped by ";
  evidence += stop.is_policy() ? "the " + stop.verdict + " of chain " + stop.chain
                               : "rule " + std::to_string(stop.rule_index + 1) + " of chain " +
                                     stop.chain + ": `" + stop.rule_text + "`";
  evidence += " in table filter";
  if (stop.via.size() > 1) {
    evidence += " (reached from";
    for (const auto& name : stop.via) evidence += (name == stop.via.front() ? " " : " -> ") + name;
    evidence += ")";
  }
  if (!path.iface.empty()) evidence += "; on interface " + path.iface;
  if (!stop.certain) evidence += "; it may stop only some senders (" + stop.doubt + ")";
  for (const auto& note : path.notes) evidence += "; " + note;
  if (view.stack == IptStack::kLegacy) evidence += "; iptables-legacy rules are invisible to nft";
  Finding f;
  f.code = FindingCode::kPortClosedFirewall;
  f.severity = stop.certain ? Severity::kError : Severity::kWarning;
  f.ip_version = path.ip_version;
  f.port = path.port;
  f.evidence = evidence;
  f.remedy = "insert an ACCEPT for tcp/" + std::to_string(path.port) + " into chain " + stop.chain +
             " with " + IptCommand(view.stack, view.ip_version) +
             (stop.is_policy() ? " at its end" : " before that rule") +
             " (an accept in the other iptables stack or in nft does not help); "
             "`dcv-agent fix` does this and persists it";
  f.source = StopSource(view, stop);
  return f;
}

void IptablesRemediator::EvaluateFrom(const std::vector<Cidr>& allow_from) {
  if (allow_from == allow_from_) return;
  allow_from_ = allow_from;
  for (View& view : views_) {
    view.paths = EvaluateIptInput(view.ruleset, view.ip_version, ports_, interfaces_, allow_from_);
  }
}

void IptablesRemediator::Diagnose(const Target& target, const Host& /*host*/, Diagnosis& out) {
  if (target.method == Method::kDns) return;
  EvaluateFrom(target.allow_from);
  for (const auto& view : views_) {
    for (int port : ports_) {
      for (const auto& path : view.paths) {
        if (path.port != port || path.open() || !IptStopOwner(view.ruleset, *path.stop).empty()) {
          continue;
        }
        out.findings.push_back(MakeFinding(view, path));
        break;  // one finding per stack, family and port
      }
    }
  }
}

std::optional<Step> IptablesRemediator::Persist(
    const Host& host, int ip_version,
    const std::vector<std::pair<const View*, IptOpeningPlan>>& plans,
    std::vector<std::string>& where) {
  const bool rhel = host.os.IsLike("rhel") || host.os.IsLike("fedora");
  const std::string path = rhel ? (ip_version == 4 ? "/etc/sysconfig/iptables"
                                                   : "/etc/sysconfig/ip6tables")
                                : (ip_version == 4 ? "/etc/iptables/rules.v4"
                                                   : "/etc/iptables/rules.v6");
  const IptStack boot_stack = options_.default_stack();
  std::optional<Step> step;
  for (const auto& [view, plan] : plans) {
    if (view->ip_version != ip_version || plan.openings.empty()) continue;
    if (view->stack != boot_stack) {
      where.push_back(StackName(view->stack) + " " + Family(ip_version) + ": runtime only (" + path +
                      " is restored into " + StackName(boot_stack) + ", the default iptables)");
      continue;
    }
    const std::optional<std::string> text = options_.read_file(path);
    IptPersistResult r = PersistIptOpenings(path, text ? *text : view->save_text, view->ruleset,
                                            plan.openings, host.run_id);
    for (const auto& w : r.where) where.push_back(StackName(view->stack) + " " + Family(ip_version) + ": " + w);
    if (r.content == (text ? *text : view->save_text)) continue;
    std::string description = "iptables: keep the opening in " + path;
    if (!text) description += " (created from the current " + IptSaveCommand(view->stack, ip_version) + " output)";
    const bool service = options_.file_exists(rhel ? "/usr/libexec/iptables/iptables.init"
                                                   : "/usr/sbin/netfilter-persistent");
    if (!service) {
      description += rhel ? "; iptables-services is not installed: nothing restores this file at boot"
                          : "; no persistence service (netfilter-persistent) is installed: nothing "
                            "restores this file at boot until iptables-persistent is installed";
    }
    const std::string id = "iptables.persist.v" + std::to_string(ip_version);
    if (text) {
      step = Step{id, std::string(this->id()), description,
                  EditFile{path, *text, r.content, UnifiedDiff(path, *text, r.content)}};
    } else {
      step = Step{id, std::string(this->id()), description, WriteFile{path, r.content, 0644, true}};
    }
  }
  return step;
}

Result<void> IptablesRemediator::PlanFix(const Target& target, const Host& host,
                                         const Diagnosis& /*diagnosis*/, Plan& plan) {
  if (target.method == Method::kDns) return {};
  EvaluateFrom(target.allow_from);
  std::vector<std::pair<const View*, IptOpeningPlan>> plans;
  for (const auto& view : views_) {
    IptOpeningPlan openings = PlanIptOpenings(view.ruleset, view.stack, view.ip_version, ports_,
                                              interfaces_, host.run_id, allow_from_);
    for (IptOpening& o : openings.openings) o.temporary = target.temporary;
    plans.emplace_back(&view, std::move(openings));
  }
  std::map<int, std::vector<size_t>> steps_of_version;  // indexes into plan.steps
  for (const auto& [view, openings] : plans) {
    for (size_t i = 0; i < openings.openings.size(); ++i) {
      const IptOpening& o = openings.openings[i];
      const std::string cmd = IptCommand(o.stack, o.ip_version);
      std::string description = "iptables: accept " + PortList(o.ports) +
                                (o.source ? " from " + o.source->ToString() : "") + " (" +
                                StackName(o.stack) + ", " + Family(o.ip_version) + ") in filter " +
                                o.chain + " at position " + std::to_string(o.position) +
                                (o.stop.is_policy() ? " (before its " + o.stop.verdict + ")"
                                                    : " (before `" + o.stop.rule_text + "`)");
      for (const auto& note : openings.notes) description += "; " + note;
      steps_of_version[o.ip_version].push_back(plan.steps.size());
      plan.steps.push_back({"iptables.accept." + cmd + "-" + o.chain + "-" + std::to_string(i + 1),
                            std::string(id()), description,
                            RunCommand{IptOpeningArgv(o, host.run_id), IptOpeningUndo(o, host.run_id)}});
    }
  }
  for (int version : {4, 6}) {
    std::vector<std::string> where;
    if (target.temporary) where.push_back("runtime only (--temporary): cleanup removes it");
    std::optional<Step> step = target.temporary ? std::nullopt : Persist(host, version, plans, where);
    if (!step) {  // nothing persisted: say why on the runtime steps
      for (size_t index : steps_of_version[version]) {
        for (const auto& w : where) plan.steps[index].description += "; " + w;
      }
      continue;
    }
    for (const auto& w : where) step->description += "; " + w;
    plan.steps.push_back(std::move(*step));
  }
  return {};
}

Result<void> IptablesRemediator::PlanCleanup(const Target& /*target*/, const Host& /*host*/,
                                             Plan& plan) {
  for (const View& view : views_) {
    const std::string cmd = IptCommand(view.stack, view.ip_version);
    const auto rules = TemporaryIptRules(view.ruleset);
    // Last first, so that each undo (-I at the old position) runs after the rules above it
    // are back: a rollback of the cleanup rebuilds the chain in its old order.
    for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
      const auto& [chain, index] = *it;
      const IptRule& rule = view.ruleset.FindTable("filter")->FindChain(chain)->rules[index];
      const std::vector<std::string> words = SplitSaveLine(rule.text);  // "-A" CHAIN spec...
      Argv remove{cmd, "-D", chain};
      Argv insert{cmd, "-I", chain, std::to_string(index + 1)};
      for (size_t w = 2; w < words.size(); ++w) {
        remove.push_back(words[w]);
        insert.push_back(words[w]);
      }
      plan.steps.push_back({"iptables.remove-temporary." + cmd + "-" + chain + "-" + std::to_string(index + 1),
                            std::string(id()),
                            "iptables: remove the temporary opening `" + rule.text + "` (" + cmd + ")",
                            RunCommand{std::move(remove), UndoCommand{std::move(insert), {}, ""}}});
    }
  }
  return {};
}

}  // namespace dcv
