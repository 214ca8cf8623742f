// The configuration edit: a marked snippet at the top of a server block that exempts the
// validation URL from every server-level rewrite (certbot's `rewrite ... break`) and
// serves it from the agent's webroot through an exact-match location, so that no other
// URL changes. The markers make the edit findable and removable byte for byte.
#pragma once

#include <string>
#include <vector>

#include "agent/core/target.h"
#include "remediators/webserver/nginx/nginx_config.h"

namespace dcv::nginx {

/// One file's text before and after an edit.
struct FileEdit {
  std::string path;
  std::string before;
  std::string after;
};

/// The snippet's lines (without indentation or newlines), markers included.
std::vector<std::string> SnippetLines(const Target& target, const std::string& webroot);

/// True if `server` already holds our snippet for the target's token.
bool HasSnippet(const Config& config, const Directive& server, const Target& target);

/// Inserts the snippet at the top of each server block in `servers` that lacks it, with
/// the block's indentation; one FileEdit per changed file.
std::vector<FileEdit> InsertSnippets(const Config& config,
                                     const std::vector<const Directive*>& servers,
                                     const Target& target, const std::string& webroot);

/// `text` with every snippet for `token` removed, exactly undoing InsertSnippets.
std::string RemoveSnippets(std::string text, const std::string& token);

/// A regex matching `literal` exactly (PCRE metacharacters escaped).
std::string EscapeRegex(const std::string& literal);

}  // namespace dcv::nginx
