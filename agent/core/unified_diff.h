// A line-based unified diff (Myers' O(ND) algorithm), for the `diff` of EditFile steps.
// Edits made by remediators are small, so D is small and large files stay cheap.
#pragma once

#include <string>
#include <string_view>

namespace dcv {

/// `--- path` / `+++ path` and @@ hunks with `context` lines around each change; empty
/// when `before` and `after` are equal. A missing final newline is marked the way GNU
/// diff does ("\ No newline at end of file").
std::string UnifiedDiff(std::string_view path, std::string_view before, std::string_view after,
                        int context = 3);

}  // namespace dcv
