// The configuration edit: a marked snippet right after a <VirtualHost> line that maps the
// validation URL to the agent's webroot and grants access to that one directory. When
// the vhost rewrites or redirects (mod_rewrite rules, a server-level Redirect), the
// mapping is a first RewriteRule to the file with [END], which also keeps every later
// server and per-directory rule (.htaccess included) away from the request; otherwise an
// Alias. A ProxyPass exclusion is added when a ProxyPass would take the path, and a
// <Location> grant before </VirtualHost> when a Location section denies it; when a Location
// section redirects it, a [PT,END] rewrite to a URL without dot segments and an Alias of
// that URL. Markers make the edit findable and removable byte for byte.
#pragma once

#include <string>
#include <vector>

#include "agent/core/target.h"
#include "remediators/webserver/apache/apache_config.h"

namespace dcv::apache {

/// One file's text before and after an edit.
struct FileEdit {
  std::string path;
  std::string before;
  std::string after;
};

/// What the snippet for one vhost needs.
struct SnippetNeeds {
  bool rewrite = false;         // map with a RewriteRule [END] instead of Alias
  bool engine_on = false;       // add `RewriteEngine On` (the vhost's engine is off)
  bool proxy_exclusion = false; // add `ProxyPass <path> !`
  bool location_grant = false;  // add a <Location> grant at the end of the vhost
  /// Map with `RewriteRule ... /dcv-agent-validation/<token> [PT,END]` and an Alias of that
  /// URL: the request then leaves the well-known URL, so no <Location>/<LocationMatch> of the
  /// site (a per-directory `RedirectMatch 404` on dot paths, say) applies to it.
  bool dotless = false;
  bool operator==(const SnippetNeeds&) const = default;
};

/// One vhost to edit.
struct VhostEdit {
  const Directive* vhost = nullptr;  // nullptr: the main server (appended to the main file)
  SnippetNeeds needs;
};

/// The lines inserted at the top of a vhost (without indentation), markers included.
std::vector<std::string> TopSnippet(const Target& target, const std::string& webroot,
                                    const SnippetNeeds& needs);
/// The lines inserted before </VirtualHost> (empty unless needs.location_grant).
std::vector<std::string> BottomSnippet(const Target& target, const SnippetNeeds& needs);

/// Inserts the snippets into each vhost that lacks them; one FileEdit per changed file.
std::vector<FileEdit> InsertSnippets(const Config& config, const std::vector<VhostEdit>& vhosts,
                                     const Target& target, const std::string& webroot);

/// True if the vhost already holds our snippet for the target's token.
bool HasSnippet(const Config& config, const Directive& vhost, const Target& target);

/// `text` with every snippet for `token` removed, exactly undoing InsertSnippets.
std::string RemoveSnippets(std::string text, const std::string& token);

}  // namespace dcv::apache
