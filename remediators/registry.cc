// The one place that names every remediator (no static self-registration: a reader sees
// here everything the agent can change, in the order it changes it).
#include "remediators/registry.h"

#include "remediators/firewall/firewalld/firewalld_remediator.h"
#include "remediators/firewall/iptables/iptables_remediator.h"
#include "remediators/firewall/nftables/nftables_remediator.h"
#include "remediators/firewall/ufw/ufw_remediator.h"
#include "remediators/webserver/apache/apache_remediator.h"
#include "remediators/webserver/caddy/caddy_remediator.h"
#include "remediators/webserver/lighttpd/lighttpd_remediator.h"
#include "remediators/webserver/nginx/nginx_remediator.h"

namespace dcv {

std::vector<std::unique_ptr<Remediator>> MakeRemediators() {
  std::vector<std::unique_ptr<Remediator>> list;
  list.push_back(std::make_unique<FirewalldRemediator>());
  list.push_back(std::make_unique<UfwRemediator>());
  list.push_back(std::make_unique<NftablesRemediator>());
  list.push_back(std::make_unique<IptablesRemediator>());
  list.push_back(std::make_unique<NginxRemediator>());
  list.push_back(std::make_unique<ApacheRemediator>());
  list.push_back(std::make_unique<CaddyRemediator>());     // only while running
  list.push_back(std::make_unique<LighttpdRemediator>());  // only while running
  return list;
}

}  // namespace dcv
