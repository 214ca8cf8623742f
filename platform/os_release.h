// Operating system identity from os-release(5).
#pragma once

#include <string>
#include <vector>

namespace dcv {

struct OsRelease {
  std::string id;                  // "debian"
  std::vector<std::string> id_like;
  std::string version_id;          // "12"
  std::string pretty_name;
  bool IsLike(const std::string& family) const;  // id or id_like contains it
};

/// Parses os-release text (KEY=value, values optionally quoted with shell escapes).
OsRelease ParseOsRelease(const std::string& text);

/// Reads /etc/os-release, falling back to /usr/lib/os-release.
OsRelease ReadOsRelease();

}  // namespace dcv
