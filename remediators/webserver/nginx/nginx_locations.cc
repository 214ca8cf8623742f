// Location selection. Mirrors ngx_http_core_find_location(): the static (prefix/exact)
// tree is searched first; an exact match ends the search; a prefix match descends into
// that location's nested locations; then, unless the prefix was `^~`, this level's regex
// locations are tried in order and the first match (with its nested locations) wins.
#include "remediators/webserver/nginx/nginx_locations.h"

#include "remediators/webserver/nginx/nginx_script.h"

namespace dcv::nginx {

LocationSpec ParseLocation(const Directive& location) {
  LocationSpec spec;
  const auto& a = location.args;
  if (a.size() >= 2) {
    spec.pattern = a[1];
    if (a[0] == "=")
      spec.kind = LocationSpec::kExact;
    else if (a[0] == "^~")
      spec.kind = LocationSpec::kNoRegex;
    else if (a[0] == "~")
      spec.kind = LocationSpec::kRegex;
    else if (a[0] == "~*")
      spec.kind = LocationSpec::kRegexCaseless;
    return spec;
  }
  if (a.empty()) return spec;
  const std::string& p = a[0];
  if (p.rfind("=", 0) == 0) return {LocationSpec::kExact, p.substr(1)};
  if (p.rfind("^~", 0) == 0) return {LocationSpec::kNoRegex, p.substr(2)};
  if (p.rfind("~*", 0) == 0) return {LocationSpec::kRegexCaseless, p.substr(2)};
  if (p.rfind("~", 0) == 0) return {LocationSpec::kRegex, p.substr(1)};
  if (p.rfind("@", 0) == 0) return {LocationSpec::kNamed, p};
  return {LocationSpec::kPrefix, p};
}

namespace {

/// Returns true when the search is final at this level (exact or regex match).
bool Find(const std::vector<Directive>& container, const std::string& uri, LocationMatch& m) {
  const Directive* best = nullptr;
  LocationSpec best_spec;
  for (const Directive& d : container) {
    if (d.name != "location" || !d.has_block) continue;
    LocationSpec spec = ParseLocation(d);
    if (spec.kind == LocationSpec::kExact && spec.pattern == uri) {
      m.path.push_back(&d);
      return true;
    }
    bool prefix = spec.kind == LocationSpec::kPrefix || spec.kind == LocationSpec::kNoRegex;
    if (prefix && uri.starts_with(spec.pattern) &&
        (best == nullptr || spec.pattern.size() > best_spec.pattern.size())) {
      best = &d;
      best_spec = spec;
    }
  }
  size_t base = m.path.size();
  if (best != nullptr) {
    m.path.push_back(best);
    if (Find(best->children, uri, m)) return true;
    if (best_spec.kind == LocationSpec::kNoRegex) return false;
  }
  for (const Directive& d : container) {
    if (d.name != "location" || !d.has_block) continue;
    LocationSpec spec = ParseLocation(d);
    if (spec.kind != LocationSpec::kRegex && spec.kind != LocationSpec::kRegexCaseless) continue;
    std::vector<std::string> captures;
    std::optional<bool> hit =
        RegexSearch(spec.pattern, uri, spec.kind == LocationSpec::kRegexCaseless, &captures);
    if (!hit) {
      m.unknown = true;
      continue;
    }
    if (*hit) {
      m.path.resize(base);
      m.path.push_back(&d);
      m.captures = std::move(captures);
      Find(d.children, uri, m);
      return true;
    }
  }
  return false;
}

}  // namespace

LocationMatch FindLocation(const std::vector<Directive>& container, const std::string& uri) {
  LocationMatch m;
  Find(container, uri, m);
  return m;
}

const Directive* FindNamedLocation(const Directive& server, const std::string& name) {
  for (const Directive& d : server.children) {
    if (d.name == "location" && d.has_block && !d.args.empty() && d.args[0] == name) return &d;
  }
  return nullptr;
}

}  // namespace dcv::nginx
