// The module order behind lighttpd::Predict. url.redirect patterns are regexes on the
// request URI; the target's $1..$9 come from that match and %0..%9 from the last regex
// conditional that matched (so `$HTTP["host"] =~ ".*"` makes %0 the host).
#include "remediators/webserver/lighttpd/lighttpd_predict.h"

#include <algorithm>
#include <regex>

namespace dcv::lighttpd {
namespace {

std::string Expand(const std::string& target, const std::smatch& m,
                   const std::vector<std::string>& captures) {
  std::string out;
  for (size_t i = 0; i < target.size(); ++i) {
    char c = target[i];
    if ((c == '$' || c == '%') && i + 1 < target.size() &&
        std::isdigit(static_cast<unsigned char>(target[i + 1]))) {
      size_t n = static_cast<size_t>(target[++i] - '0');
      if (c == '$' && n < m.size()) out += m[n].str();
      if (c == '%' && n < captures.size()) out += captures[n];
      continue;
    }
    out += c;
  }
  return out;
}

Answer Decided(Outcome outcome, int status, const Effective& e, const std::string& setting,
               std::string note) {
  Answer a;
  a.outcome = outcome;
  a.status = status;
  a.setting = setting;
  auto at = e.origin.find(setting);
  a.condition = at == e.origin.end() ? "" : at->second;
  a.note = std::move(note);
  return a;
}

const Value* Setting(const Effective& e, const std::string& key) {
  auto it = e.settings.find(key);
  return it == e.settings.end() ? nullptr : &it->second;
}

}  // namespace

Answer Predict(const Block& root, const Request& r, const std::function<bool(const std::string&)>& exists) {
  std::vector<int> ports = ListenPorts(root);
  if (std::find(ports.begin(), ports.end(), r.port) == ports.end()) {
    return Answer{Outcome::kNoListener, 0, "", "", "", false, "", "", "nothing listens"};
  }
  Effective e = Evaluate(root, r);
  const Value* ssl = Setting(e, "ssl.engine");
  bool tls = ssl != nullptr && ssl->text == "enable";
  if (const Value* redirect = Setting(e, "url.redirect")) {
    for (const auto& [pattern, target] : redirect->pairs) {
      std::smatch m;
      if (!std::regex_search(r.path, m, std::regex(pattern))) continue;
      const Value* code = Setting(e, "url.redirect-code");
      Answer a = Decided(Outcome::kRedirect, code ? std::atoi(code->text.c_str()) : 301, e, "url.redirect",
                         "url.redirect \"" + pattern + "\"");
      a.location = Expand(target, m, e.captures);
      a.tls_mismatch = tls != r.https;
      return a;
    }
  }
  for (const char* rewrite :
       {"url.rewrite-once", "url.rewrite", "url.rewrite-repeat", "url.rewrite-if-not-file"}) {
    const Value* rules = Setting(e, rewrite);
    if (rules == nullptr) continue;
    for (const auto& [pattern, target] : rules->pairs) {
      if (std::regex_search(r.path, std::regex(pattern))) {
        return Decided(Outcome::kUnknown, 0, e, rewrite,
                       std::string(rewrite) + " rewrites the path to " + target);
      }
    }
  }
  if (const Value* deny = Setting(e, "url.access-deny")) {
    for (const auto& entry : deny->pairs) {
      if (!entry.first.empty() && r.path.ends_with(entry.first)) {
        return Decided(Outcome::kDenied, 403, e, "url.access-deny",
                       "url.access-deny \"" + entry.first + "\"");
      }
    }
  }
  Answer a;
  const Value* alias = Setting(e, "alias.url");
  for (size_t i = 0; alias != nullptr && i < alias->pairs.size(); ++i) {
    if (r.path.rfind(alias->pairs[i].first, 0) != 0) continue;
    a = Decided(Outcome::kFile, 0, e, "alias.url", "alias.url \"" + alias->pairs[i].first + "\"");
    a.file = alias->pairs[i].second + r.path.substr(alias->pairs[i].first.size());
    break;
  }
  if (a.outcome != Outcome::kFile) {
    const Value* docroot = Setting(e, "server.document-root");
    if (docroot == nullptr) return Decided(Outcome::kUnknown, 0, e, "", "no server.document-root");
    a = Decided(Outcome::kFile, 0, e, "server.document-root", "server.document-root " + docroot->text);
    a.docroot = docroot->text;
    a.file =
        (docroot->text.ends_with("/") ? docroot->text.substr(0, docroot->text.size() - 1) : docroot->text) +
        r.path;
  }
  a.status = exists(a.file) ? 200 : 404;
  a.tls_mismatch = tls != r.https;
  return a;
}

std::string DescribeAnswer(const Answer& a) {
  switch (a.outcome) {
    case Outcome::kNoListener:
      return "nothing listens";
    case Outcome::kFile:
      return std::to_string(a.status) + " " + a.file + " (" + a.note + ")";
    case Outcome::kRedirect:
      return std::to_string(a.status) + " -> " + a.location + " (" + a.note + ")";
    case Outcome::kDenied:
      return "403 (" + a.note + ")";
    case Outcome::kUnknown:
      return "unknown (" + a.note + ")";
  }
  return "";
}

}  // namespace dcv::lighttpd
