// Persisting iptables openings in the file the distribution restores at boot
// (Debian/Ubuntu /etc/iptables/rules.v4|v6 via netfilter-persistent; RHEL
// /etc/sysconfig/iptables|ip6tables via iptables-services). The file is iptables-save
// text; it is edited as text, keeping every byte we do not add: each rule line goes into
// the *filter section at the same place as at runtime.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "remediators/firewall/iptables/ipt_opening.h"
#include "remediators/firewall/iptables/ipt_ruleset.h"

namespace dcv {

struct IptPersistResult {
  std::string content;             // the edited text (== input when nothing was persisted)
  std::vector<std::string> where;  // per opening: how it was persisted, or why it was not
};

/// Adds each opening's rule line to `text` (the file at `path`, for messages). `runtime`
/// is the stack's ruleset before the openings: where the file's chain holds the same rules,
/// the line goes at the runtime position; otherwise right before the stopping rule's line
/// (if it is there exactly once) or, for a policy, after the chain's last rule.
IptPersistResult PersistIptOpenings(std::string_view path, std::string_view text,
                                    const IptRuleset& runtime,
                                    const std::vector<IptOpening>& openings,
                                    const std::string& run_id);

}  // namespace dcv
