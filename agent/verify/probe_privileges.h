// Dropping root. A probe needs root at most to bind its socket; everything after that
// (parsing untrusted requests, fetching untrusted URLs) runs as an unprivileged user.
#pragma once

#include <string>

#include "agent/core/result.h"

namespace dcv {

/// Becomes `user` for good: supplementary groups cleared (setgroups), then the user's
/// primary group (setgid) and uid (setuid), then a check that root cannot be regained.
/// Applies to every thread of the process. An Error naming the user and the failing step;
/// a caller must not continue after one.
Result<void> DropPrivileges(const std::string& user);

}  // namespace dcv
