// The Caddyfile as text, for what `caddy adapt` output cannot give: the line of a site
// block or of a directive in it (findings' file:line), and the place to edit. Only the
// top level is interpreted: site blocks (their addresses and line span), the global
// options block and snippets; inside a block, lines are searched by directive name.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dcv::caddy {

/// One site address of a Caddyfile, split: "http://example.com:8080" -> http, example.com, 8080.
struct SiteAddress {
  std::string scheme;  // "http", "https" or empty
  std::string host;    // empty for ":80"
  int port = 0;        // 0 when not given
};

struct SiteBlock {
  std::vector<SiteAddress> addresses;
  int open_line = 0;   // 1-based line of the address and its `{`
  int close_line = 0;  // 1-based line of the closing `}`
};

struct Caddyfile {
  std::string path;
  std::string text;
  std::vector<std::string> lines;
  std::vector<SiteBlock> sites;
};

Caddyfile ScanCaddyfile(const std::string& path, const std::string& text);
SiteAddress ParseSiteAddress(const std::string& address);

/// The site block that a request for host on an http or https URL reaches, as Caddy
/// pairs addresses with servers: the scheme (or port) must agree and the host must be the
/// site's or absent. Exact hosts win over host-less addresses.
const SiteBlock* FindSite(const Caddyfile& file, const std::string& host, bool https);

/// The first line in the block whose first word is one of `directives`, else the block's
/// address line. "path:line".
std::string Where(const Caddyfile& file, const SiteBlock& site, const std::vector<std::string>& directives);

/// The marker comments around the agent's additions for a token.
std::string BeginMarker(const std::string& token);
std::string EndMarker(const std::string& token);

/// Text with a `handle` for `url_path` (served from `webroot`) inserted at the top of each
/// of `sites`, and, for `http_hosts` (hosts whose http URLs Caddy redirects), a new
/// `http://` site block serving the path and redirecting everything else with 308.
std::string InsertHandles(const Caddyfile& file, const std::vector<const SiteBlock*>& sites,
                          const std::vector<std::string>& http_hosts, const std::string& token,
                          const std::string& url_path, const std::string& webroot);

/// Text without the lines between (and including) the markers for `token`.
std::string RemoveHandles(const std::string& text, const std::string& token);

}  // namespace dcv::caddy
