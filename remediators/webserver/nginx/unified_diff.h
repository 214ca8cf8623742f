// Unified diffs (as `diff -u` prints them) for the config edits shown in plans and dry runs.
#pragma once

#include <string>
#include <string_view>

namespace dcv::nginx {

/// The unified diff from `before` to `after`, labelled with `path`, with `context` lines
/// of context around each change; empty when the texts are equal. Line-based (Myers'
/// O(ND) algorithm), so small edits to large files stay cheap.
std::string UnifiedDiff(const std::string& path, std::string_view before, std::string_view after,
                        int context = 3);

}  // namespace dcv::nginx
