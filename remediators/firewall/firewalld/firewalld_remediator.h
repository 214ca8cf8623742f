// The firewalld remediator ("firewall.firewalld"): asks the running firewalld (through
// firewall-cmd) for its default zone, its active zones and the zones that apply to the
// host's interfaces, decides whether the CA's connections to tcp/80 and tcp/443 get through
// each of them, and plans the `http`/`https` services in each zone that stops them, at
// runtime and permanently, in one firewall-cmd call each.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "remediators/firewall/firewalld/firewalld_zone.h"
#include "remediators/remediator.h"

namespace dcv {

class FirewalldRemediator : public Remediator {
 public:
  /// What the remediator reads from the host besides commands; tests replace these.
  struct Options {
    /// Where firewalld keeps the administrator's zone files (overrides of the shipped ones).
    std::string zones_dir = "/etc/firewalld/zones";
    /// Whether a file exists.
    std::function<bool(const std::string& path)> file_exists;
    /// The names of the host's network interfaces (this network namespace).
    std::function<std::vector<std::string>()> list_interfaces;
    std::vector<int> ports{80, 443};
  };

  /// Looks at the real files and the real interface list.
  FirewalldRemediator();
  explicit FirewalldRemediator(Options options);

  std::string_view id() const override { return "firewall.firewalld"; }
  Result<bool> Detect(const Host& host) override;
  void Diagnose(const Target& target, const Host& host, Diagnosis& out) override;
  Result<void> PlanFix(const Target& target, const Host& host, const Diagnosis& diagnosis,
                       Plan& plan) override;
  Result<void> PlanCleanup(const Target& target, const Host& host, Plan& plan) override;

  /// One zone that decides for some of the host's traffic, with why it applies.
  struct AppliedZone {
    FirewalldZone zone;
    std::string why;  ///< "the default zone; no interface is bound to a zone", "interface eth0"
  };
  const std::vector<AppliedZone>& zones() const { return zones_; }

 private:
  /// The services (http, https) that zone `z` lacks for ports that it blocks (not counting
  /// ports a deny rich rule blocks: a service does not help there).
  /// What zone `z` needs to admit the senders of `allow_from` on the blocked ports: the
  /// services ("http", "https") when any sender may connect, else one rich rule per
  /// (network, service). `kind` is "service" or "rich-rule" (firewall-cmd's option words).
  struct Openings {
    std::string kind;
    std::vector<std::string> items;
  };
  Openings Missing(const AppliedZone& z, const std::vector<Cidr>& allow_from) const;
  Finding MakeFinding(const AppliedZone& z, int version, int port, const Cidr& source,
                      const FirewalldVerdict& v) const;

  Options options_;
  std::string default_zone_;
  std::vector<AppliedZone> zones_;
};

}  // namespace dcv
