// Location matching, as ngx_http_core_find_location(): exact `=` wins at once; otherwise
// the longest prefix (nested locations searched inside it), and unless that prefix is
// `^~`, the first regex location in configuration order (`~`, `~*`) overrides it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "remediators/webserver/nginx/nginx_config.h"

namespace dcv::nginx {

/// The modifier and pattern of a `location` directive.
struct LocationSpec {
  enum Kind { kPrefix, kExact, kNoRegex, kRegex, kRegexCaseless, kNamed } kind = kPrefix;
  std::string pattern;
};

/// Parses `location [modifier] pattern`, including the glued forms (`=/x`, `~^/x`).
LocationSpec ParseLocation(const Directive& location);

/// The chosen location, outermost first (nested locations follow their parents); empty
/// when no location matches. `unknown` is set when a regex could not be evaluated
/// before a match was found (the choice is then not certain).
struct LocationMatch {
  std::vector<const Directive*> path;
  std::vector<std::string> captures;  // of the matching regex location
  bool unknown = false;
};

/// Finds the location for `uri` among the `location` children of `container`.
LocationMatch FindLocation(const std::vector<Directive>& container, const std::string& uri);

/// The named location `@name` among the children of `server`, or nullptr.
const Directive* FindNamedLocation(const Directive& server, const std::string& name);

}  // namespace dcv::nginx
