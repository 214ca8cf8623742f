// Whether another user could read a file: for services that drop privileges and re-read
// files later (lighttpd's graceful restart re-reads its certificates as server.username).
#pragma once

#include <string>

#include "agent/core/result.h"

namespace dcv {

/// True when `user` (a name or a numeric uid) may read `path` by its permission bits:
/// search permission on every parent directory and read permission on the file, by the
/// user's uid, primary group and supplementary groups. ACLs and capabilities are not
/// consulted. An Error when the user is unknown or the file cannot be examined.
Result<bool> ReadableBy(const std::string& path, const std::string& user);

}  // namespace dcv
