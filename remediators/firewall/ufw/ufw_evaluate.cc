// Evaluates ufw's rule table for the CA's packet classes (IPv4/IPv6 x tcp/80, tcp/443):
// the first inbound rule of the family that matches a new connection from any address
// decides (ALLOW and LIMIT accept, DENY drops, REJECT refuses); when none does, the default
// incoming policy does. A rule restricted to some sources, a destination address, another
// interface or an application profile is not a match for "any address": it is kept as a
// note, so that a finding can say why an allow that looks right does not count. With
// --allow-from the senders are those networks, and a source rule that covers one matches.
#include "remediators/firewall/ufw/ufw_evaluate.h"

namespace dcv {
namespace {

bool AllInterfacesAre(const std::vector<std::string>& interfaces, const std::string& iface) {
  bool any = false;
  for (const auto& name : interfaces) {
    if (name == "lo") continue;
    if (name != iface) return false;
    any = true;
  }
  return any;
}

// How the rule's From address relates to the senders (inside when it has none).
CidrRelation SourceRelation(const UfwRule& rule, const Cidr& source) {
  if (rule.source.empty()) return CidrRelation::kInside;
  const Result<Cidr> network = ParseCidr(rule.source);
  return network ? RelateSource(source, *network) : CidrRelation::kPartial;
}

// Why a rule that covers the port does not match every sender of `source`; empty if it does.
std::string Restriction(const UfwRule& rule, const UfwEvaluateOptions& options, const Cidr& source) {
  if (SourceRelation(rule, source) != CidrRelation::kInside) return "only from " + rule.source;
  if (rule.source_port) return "only from some source ports";
  if (!rule.destination.empty()) return "only to " + rule.destination;
  if (!rule.iface.empty() && !AllInterfacesAre(options.interfaces, rule.iface)) {
    return "only on interface " + rule.iface;
  }
  return "";
}

UfwVerdict Evaluate(const UfwStatus& status, const UfwEvaluateOptions& options, int version,
                    int port, const Cidr& source) {
  UfwVerdict v;
  v.ip_version = version;
  v.port = port;
  v.source = source;
  for (size_t i = 0; i < status.rules.size(); ++i) {
    const UfwRule& rule = status.rules[i];
    if (rule.ip_version != version || rule.direction != "IN") continue;
    if (!rule.app.empty() && rule.ports.empty()) {
      v.notes.push_back("rule `" + rule.text + "` names application profile \"" + rule.app +
                        "\" (its ports are not shown by ufw status)");
      continue;
    }
    if (!rule.CoversTcpPort(port)) continue;
    if (!source.IsAny() && SourceRelation(rule, source) == CidrRelation::kDisjoint) continue;
    if (const std::string why = Restriction(rule, options, source); !why.empty()) {
      if (rule.action == "ALLOW" || rule.action == "LIMIT") {
        v.notes.push_back("rule `" + rule.text + "` allows tcp/" + std::to_string(port) + " " + why);
      }
      continue;
    }
    v.rule = i;
    v.open = rule.action == "ALLOW" || rule.action == "LIMIT";
    return v;
  }
  v.open = status.default_incoming == "allow";
  return v;
}

}  // namespace

std::vector<const UfwVerdict*> UfwEvaluation::Blocked() const {
  std::vector<const UfwVerdict*> out;
  for (const auto& v : verdicts) {
    if (!v.open) out.push_back(&v);
  }
  return out;
}

UfwEvaluation EvaluateUfw(const UfwStatus& status, const UfwEvaluateOptions& options) {
  UfwEvaluation e;
  if (!status.active) return e;
  for (int version : {4, 6}) {
    for (int port : options.ports) {
      for (const Cidr& source : SourcesFor(options.allow_from, version)) {
        e.verdicts.push_back(Evaluate(status, options, version, port, source));
      }
    }
  }
  return e;
}

}  // namespace dcv
