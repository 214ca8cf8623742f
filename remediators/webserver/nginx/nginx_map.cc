// `map SOURCE $name { ... }` at http level, evaluated for the CA's request as nginx's map
// module does: the source expanded (unknown source, unknown result), then an exact match
// (case-insensitive: nginx lowercases both sides into its hash), with `hostnames` the
// longest `*.suffix`/`.suffix` and then the `prefix.*` wildcard, then the regexes (`~`,
// `~*` caseless) in file order with their captures for the value, else `default` (""
// when absent). The value may hold variables. `include` inside a map and a map over a
// map more than 8 deep are not evaluated (unknown).
#include <algorithm>

#include "remediators/webserver/nginx/nginx_script.h"

namespace dcv::nginx {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

const Directive* FindMap(const std::string& name, const std::vector<Directive>& http) {
  for (const Directive& d : http) {
    if (d.name == "map" && d.args.size() == 2 && d.args[1] == "$" + name) return &d;
  }
  return nullptr;
}

// The longest wildcard entry matching `host`: "*.example.com"/".example.com" (suffix) first,
// then "www.example.*" (prefix), as nginx's combined hash does.
const Directive* WildcardEntry(const Directive& map, const std::string& host) {
  const Directive* best = nullptr;
  size_t best_len = 0;
  for (int pass = 0; pass < 2 && best == nullptr; ++pass) {
    for (const Directive& e : map.children) {
      std::string key = Lower(e.name);
      bool match = false;
      if (pass == 0 && (key.rfind("*.", 0) == 0 || key.rfind('.', 0) == 0)) {
        std::string suffix = key[0] == '*' ? key.substr(1) : key;
        match = host.size() > suffix.size() && host.ends_with(suffix);
        match = match || (key[0] == '.' && host == key.substr(1));
      } else if (pass == 1 && key.size() > 2 && key.ends_with(".*")) {
        match = host.rfind(key.substr(0, key.size() - 1), 0) == 0;
      }
      if (match && key.size() > best_len) best = &e, best_len = key.size();
    }
  }
  return best;
}

}  // namespace

std::optional<std::optional<std::string>> MapVariable(const std::string& name, const ScriptState& state) {
  if (state.http == nullptr) return std::nullopt;
  const Directive* map = FindMap(name, *state.http);
  if (map == nullptr) return std::nullopt;
  const std::optional<std::string> unknown;
  if (state.map_depth >= 8) return unknown;
  ScriptState inner = state;
  inner.map_depth = state.map_depth + 1;
  std::optional<std::string> source = Expand(map->args[0], inner);
  if (!source) return unknown;
  bool hostnames = false;
  const Directive* chosen = nullptr;
  const Directive* fallback = nullptr;
  for (const Directive& e : map->children) {
    if (e.name == "hostnames" && e.args.empty()) hostnames = true;
    if (e.name == "include" || e.name == "volatile") return unknown;
    if (e.name == "default" && e.args.size() == 1) fallback = &e;
    if (chosen == nullptr && e.name != "default" && e.name[0] != '~' && e.args.size() == 1 &&
        Lower(e.name) == Lower(*source))
      chosen = &e;
  }
  if (chosen == nullptr && hostnames) chosen = WildcardEntry(*map, Lower(*source));
  for (const Directive& e : map->children) {
    if (chosen != nullptr) break;
    if (e.name.empty() || e.name[0] != '~' || e.args.size() != 1) continue;
    bool caseless = e.name.rfind("~*", 0) == 0;
    std::vector<std::string> captures;
    std::optional<bool> hit = RegexSearch(e.name.substr(caseless ? 2 : 1), *source, caseless, &captures);
    if (!hit) return unknown;
    if (*hit) {
      chosen = &e;
      inner.captures = std::move(captures);
    }
  }
  if (chosen == nullptr) chosen = fallback;
  if (chosen == nullptr) return std::optional<std::string>(std::string());
  return Expand(chosen->args[0], inner);
}

}  // namespace dcv::nginx
