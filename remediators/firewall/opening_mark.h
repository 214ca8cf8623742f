// How dcv-agent marks the firewall rules it adds, in every backend that has comments
// (nftables, iptables, ufw): "dcv-agent <run id>" for a lasting opening, and
// "dcv-agent temporary <run id>" for a `--temporary` one, which `cleanup` finds by that
// prefix and removes. The run id is reduced to [A-Za-z0-9._:-] and 100 characters, since
// it is embedded in nft syntax, in iptables-save lines and in regular expressions.
#pragma once

#include <string>
#include <string_view>

namespace dcv {

/// The prefix of the comments of temporary openings, whatever their run.
inline constexpr std::string_view kTemporaryCommentPrefix = "dcv-agent temporary ";

/// "dcv-agent <run_id>" or "dcv-agent temporary <run_id>".
inline std::string OpeningComment(const std::string& run_id, bool temporary = false) {
  std::string id;
  for (char c : run_id.substr(0, 100)) {  // nft comments hold at most 128 bytes
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    id += ok ? c : '_';
  }
  return (temporary ? std::string(kTemporaryCommentPrefix) : std::string("dcv-agent ")) + id;
}

}  // namespace dcv
