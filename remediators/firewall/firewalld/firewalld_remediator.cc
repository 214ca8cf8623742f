// The firewalld remediator. Detect: `firewall-cmd --state` (not running: not in use), then
// `--get-default-zone`, `--get-active-zones` and `--zone=Z --list-all` for every zone that
// applies to one of the host's interfaces: the zone an interface is bound to, else the
// default zone (without NetworkManager no interface is bound and `--get-active-zones` is
// empty, yet the default zone still filters everything). Diagnose reports one
// PORT_CLOSED_FIREWALL per blocked (zone, family, port) naming the zone and what decides.
// PlanFix adds the missing services in one runtime call and, after reading the permanent
// zone, one `--permanent` call for what the permanent zone lacks; each undone by the
// matching --remove-service (or, when the zone had no file under /etc/firewalld/zones,
// `--load-zone-defaults`, which drops the override file the change created); the zone file
// and the Z.xml.old firewalld leaves beside it are backed up and put back byte for byte. With
// --allow-from the openings are rich rules `source address="NET" service name="http"
// accept`, one per network and service. firewalld has no rule comments: a --temporary
// opening is made in the runtime configuration only, and PlanCleanup removes the http/https
// services and rich rules that the runtime has and the permanent zone does not.
#include "remediators/firewall/firewalld/firewalld_remediator.h"

#include <net/if.h>

#include <algorithm>
#include <filesystem>

#include "platform/interfaces.h"

namespace dcv {
namespace {

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

Result<std::string> Query(const Host& host, const Argv& argv) {
  const ProcessResult r = host.runner.Run(argv);
  if (r.ok()) return r.out;
  return MakeError(FormatArgv(argv) + " failed (exit " + std::to_string(r.exit_status) +
                   "): " + FirstLine(r.err.empty() ? r.out : r.err));
}

// `argv` plus "--<flag>-<kind>=<item>" for each item ("--add-service=http").
Argv ItemsArgv(Argv argv, const std::string& flag, const std::string& kind,
               const std::vector<std::string>& items) {
  for (const auto& item : items) argv.push_back("--" + flag + "-" + kind + "=" + item);
  return argv;
}

// Rich rules that accept tcp/80 or tcp/443 (by service or port).
bool OpensCaPort(const FirewalldRichRule& r) {
  return r.action == "accept" &&
         (ServicePort(r.service) != 0 ||
          (r.port && r.port->protocol == "tcp" &&
           ((r.port->first <= 80 && 80 <= r.port->last) || (r.port->first <= 443 && 443 <= r.port->last))));
}

std::string Join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

}  // namespace

FirewalldRemediator::FirewalldRemediator() : FirewalldRemediator(Options{}) {}

FirewalldRemediator::FirewalldRemediator(Options options) : options_(std::move(options)) {
  if (!options_.file_exists) options_.file_exists = Exists;
  if (!options_.list_interfaces) options_.list_interfaces = InterfaceNames;
}

Result<bool> FirewalldRemediator::Detect(const Host& host) {
  zones_.clear();
  const ProcessResult state = host.runner.Run({"firewall-cmd", "--state"});
  if (!state.started || state.exit_status == 127) return false;  // not installed
  if (state.timed_out) return MakeError("firewall-cmd --state timed out");
  if (state.exit_status != 0 || FirstLine(state.out) != "running") return false;  // not running
  auto default_zone = Query(host, {"firewall-cmd", "--get-default-zone"});
  if (!default_zone) return default_zone.error();
  default_zone_ = FirstLine(*default_zone);
  auto active = Query(host, {"firewall-cmd", "--get-active-zones"});
  if (!active) return active.error();
  const auto bound = ParseActiveZones(*active);
  std::map<std::string, std::vector<std::string>> applied;  // zone -> interfaces it decides for
  for (const auto& iface : options_.list_interfaces()) {
    if (iface == "lo") continue;
    std::string zone = default_zone_;
    for (const auto& [name, ifaces] : bound) {
      if (std::find(ifaces.begin(), ifaces.end(), iface) != ifaces.end()) zone = name;
    }
    applied[zone].push_back(iface);
  }
  if (applied.empty()) applied[default_zone_];
  for (const auto& [name, ifaces] : applied) {
    auto listing = Query(host, {"firewall-cmd", "--zone=" + name, "--list-all"});
    if (!listing) return listing.error();
    auto parsed = ParseFirewalldZones(*listing);
    if (parsed.empty()) return MakeError("cannot read firewalld zone " + name);
    const bool is_default = name == default_zone_ &&
                            std::none_of(bound.begin(), bound.end(), [&](const auto& b) {
                              return b.first == name;
                            });
    std::string why = is_default ? "the default zone, which applies to interfaces bound to no zone"
                                 : "the zone bound to";
    if (!ifaces.empty()) why += (is_default ? " (" : " ") + Join(ifaces) + (is_default ? ")" : "");
    if (bound.empty()) why += "; no zone is active (no NetworkManager), the default zone still applies";
    zones_.push_back({std::move(parsed.front()), why});
  }
  return true;
}

void FirewalldRemediator::Diagnose(const Target& target, const Host& /*host*/, Diagnosis& out) {
  if (target.method == Method::kDns) return;
  for (const auto& z : zones_) {
    for (int version : {4, 6}) {
      for (int port : options_.ports) {
        for (const Cidr& source : SourcesFor(target.allow_from, version)) {
          const FirewalldVerdict v = EvaluateZone(z.zone, version, port, source);
          if (v.open) continue;
          out.findings.push_back(MakeFinding(z, version, port, source, v));
          break;  // one finding per zone, family and port
        }
      }
    }
  }
}

Finding FirewalldRemediator::MakeFinding(const AppliedZone& z, int version, int port,
                                         const Cidr& source, const FirewalldVerdict& v) const {
  Finding f;
  f.code = FindingCode::kPortClosedFirewall;
  f.ip_version = version;
  f.port = port;
  f.evidence = "firewalld: a new IPv" + std::to_string(version) + " connection to tcp/" +
               std::to_string(port) + " from " + (source.IsAny() ? "outside" : source.ToString()) +
               " is stopped by the " + v.by + " of zone " + z.zone.name + " (" + z.why + ")";
  for (const auto& note : v.notes) f.evidence += "; " + note;
  f.source = "firewalld zone " + z.zone.name + " " + v.by;
  if (v.by_rich_deny) {
    f.fixable = false;
    f.remedy = "remove or narrow that rich rule (`firewall-cmd --zone=" + z.zone.name +
               " --remove-rich-rule=...`, also with --permanent); adding a service does not"
               " override it";
  } else {
    f.remedy = "`firewall-cmd --zone=" + z.zone.name + " --add-service=" + PortService(port) +
               "` and the same with --permanent; `dcv-agent fix` does this";
  }
  return f;
}

FirewalldRemediator::Openings FirewalldRemediator::Missing(const AppliedZone& z,
                                                           const std::vector<Cidr>& allow_from) const {
  Openings missing{allow_from.empty() ? "service" : "rich-rule", {}};
  for (int port : options_.ports) {
    const std::string service = PortService(port);
    if (service.empty() || (allow_from.empty() && z.zone.HasService(service))) continue;
    bool blocked = false, fixable = true;
    for (int version : {4, 6}) {
      for (const Cidr& source : SourcesFor(allow_from, version)) {
        const FirewalldVerdict v = EvaluateZone(z.zone, version, port, source);
        blocked = blocked || !v.open;
        fixable = fixable && !v.by_rich_deny;
        if (!v.open && !v.by_rich_deny && !allow_from.empty()) {
          missing.items.push_back(SourceRichRule(source, service));
        }
      }
    }
    if (allow_from.empty() && blocked && fixable) missing.items.push_back(service);
  }
  return missing;
}

Result<void> FirewalldRemediator::PlanFix(const Target& target, const Host& host,
                                          const Diagnosis& /*diagnosis*/, Plan& plan) {
  if (target.method == Method::kDns) return {};
  for (const auto& z : zones_) {
    const Openings missing = Missing(z, target.allow_from);
    if (missing.items.empty()) continue;
    const std::string& name = z.zone.name;
    const std::string what = (missing.kind == "service" ? "service " : "rich rule ") + Join(missing.items);
    const Argv zone_arg{"firewall-cmd", "--zone=" + name};
    plan.steps.push_back(
        {"firewalld.runtime." + name, std::string(id()),
         "firewalld: add " + what + " to zone " + name + " (runtime; " + z.why + ")" +
             (target.temporary ? "; temporary: not made permanent, cleanup removes it" : ""),
         RunCommand{ItemsArgv(zone_arg, "add", missing.kind, missing.items),
                    UndoCommand{ItemsArgv(zone_arg, "remove", missing.kind, missing.items), {}, ""}}});
    if (target.temporary) continue;
    auto permanent = Query(host, {"firewall-cmd", "--permanent", "--zone=" + name, "--list-all"});
    if (!permanent) return permanent.error();
    const auto parsed = ParseFirewalldZones(*permanent);
    std::vector<std::string> lacking;
    for (const auto& item : missing.items) {
      const bool has = !parsed.empty() &&
                       (missing.kind == "service" ? parsed.front().HasService(item)
                                                  : std::any_of(parsed.front().rich_rules.begin(),
                                                                parsed.front().rich_rules.end(),
                                                                [&](const auto& r) { return r.text == item; }));
      if (!has) lacking.push_back(item);
    }
    if (lacking.empty()) continue;
    const Argv perm_arg{"firewall-cmd", "--permanent", "--zone=" + name};
    const std::string file = options_.zones_dir + "/" + name + ".xml";
    const bool had_file = options_.file_exists(file);
    Argv undo = had_file ? ItemsArgv(perm_arg, "remove", missing.kind, lacking)
                         : Argv{"firewall-cmd", "--permanent", "--load-zone-defaults=" + name};
    plan.steps.push_back({"firewalld.permanent." + name, std::string(id()),
                          std::string("firewalld: add ") + (missing.kind == "service" ? "service " : "rich rule ") +
                              Join(lacking) + " to zone " + name + " permanently (firewalld writes " + file + ")",
                          RunCommand{ItemsArgv(perm_arg, "add", missing.kind, lacking), UndoCommand{undo, {}, ""},
                                     {file, file + ".old"}}});
  }
  return {};
}

Result<void> FirewalldRemediator::PlanCleanup(const Target& /*target*/, const Host& host, Plan& plan) {
  for (const auto& z : zones_) {
    const std::string& name = z.zone.name;
    auto permanent = Query(host, {"firewall-cmd", "--permanent", "--zone=" + name, "--list-all"});
    if (!permanent) return permanent.error();
    const auto parsed = ParseFirewalldZones(*permanent);
    if (parsed.empty()) return MakeError("cannot read the permanent firewalld zone " + name);
    const FirewalldZone& lasting = parsed.front();
    std::vector<std::string> services, rules;  // in the runtime only: temporary openings
    for (const auto& s : z.zone.services) {
      if (ServicePort(s) != 0 && !lasting.HasService(s)) services.push_back(s);
    }
    for (const auto& r : z.zone.rich_rules) {
      const bool kept = std::any_of(lasting.rich_rules.begin(), lasting.rich_rules.end(),
                                    [&](const auto& p) { return p.text == r.text; });
      if (OpensCaPort(r) && !kept) rules.push_back(r.text);
    }
    if (services.empty() && rules.empty()) continue;
    const Argv zone_arg{"firewall-cmd", "--zone=" + name};
    Argv remove = ItemsArgv(ItemsArgv(zone_arg, "remove", "service", services), "remove", "rich-rule", rules);
    Argv add = ItemsArgv(ItemsArgv(zone_arg, "add", "service", services), "add", "rich-rule", rules);
    std::vector<std::string> all = services;
    all.insert(all.end(), rules.begin(), rules.end());
    plan.steps.push_back({"firewalld.remove-temporary." + name, std::string(id()),
                          "firewalld: remove the runtime-only (temporary) openings of zone " + name + ": " +
                              Join(all) + " (the permanent zone does not have them)",
                          RunCommand{std::move(remove), UndoCommand{std::move(add), {}, ""}}});
  }
  return {};
}

}  // namespace dcv
