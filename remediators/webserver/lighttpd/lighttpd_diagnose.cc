// LighttpdRemediator::Diagnose: predictions for every URL (IPv4 and IPv6 alike) and the
// findings: a url.redirect on the path (followed with the CA's rules: a warning when it
// ends in the file), url.access-deny, the file missing where lighttpd looks, nothing
// listening on 80/443, https to a socket without ssl.engine. The source is the file:line
// of the deciding setting, traced back to the text (lighttpd's parsed dump has no line
// numbers; lighttpd_source.cc), else the conditional that set it.
#include <algorithm>
#include <filesystem>
#include <set>

#include "remediators/webroot/validation_file.h"
#include "remediators/webserver/lighttpd/lighttpd_remediator.h"
#include "remediators/webserver/lighttpd/lighttpd_source.h"

namespace dcv {
namespace {

using lighttpd::Outcome;

constexpr const char* kRemedy =
    "append `$HTTP[\"url\"] == \"<path>\" { url.redirect = () alias.url = ( \"<path>\" => "
    "\"/var/www/dcv-agent<path>\" ) }` "
    "to the end of the main configuration (the last matching block wins); `dcv-agent fix --dry-run` shows it";

Finding Make(FindingCode code, Severity severity, const LighttpdUrlCase& c, std::string evidence,
             std::string source) {
  return Finding{code, severity, c.domain, c.url, std::move(evidence), kRemedy, std::move(source), true};
}

// FILE:LINE of the deciding setting when the text shows it, else its description.
std::string Source(const std::string& config, const lighttpd::Answer& a) {
  if (!a.setting.empty()) {
    std::string at = lighttpd::LocateSetting(config, a.setting, a.condition);
    if (!at.empty()) return at;
  }
  return config + ": " + a.setting + (a.condition.empty() ? "" : " in " + a.condition);
}

PredictedHop Hop(const Target& target, const lighttpd::Answer& a) {
  if (a.tls_mismatch) return PredictedHop{0, "", false, "no TLS answer"};
  bool serves = a.outcome == Outcome::kFile && a.status == 200 && FileHoldsContent(a.file, target);
  return PredictedHop{a.status, a.location, serves, lighttpd::DescribeAnswer(a)};
}

Finding RedirectFinding(const lighttpd::Block& root, const Target& target, const LighttpdUrlCase& c,
                        const std::string& source) {
  HopPredictor predict = [&](const std::string& url) -> std::optional<PredictedHop> {
    std::optional<UrlRequest> r = SplitUrl(url);
    const auto& domains = target.domains;
    if (!r || std::find(domains.begin(), domains.end(), r->host) == domains.end()) return std::nullopt;
    lighttpd::Answer next =
        lighttpd::Predict(root, {r->scheme == "https", r->host, r->port, r->path},
                          [](const std::string& p) { return std::filesystem::is_regular_file(p); });
    if (next.outcome == Outcome::kNoListener) return std::nullopt;
    return Hop(target, next);
  };
  RedirectOutcome end = FollowRedirects(c.url, Hop(target, c.answer), RedirectRulesFor(target), predict);
  Finding f = Make(FindingCode::kRedirectOnPath, end.served ? Severity::kWarning : Severity::kError, c,
                   lighttpd::DescribeAnswer(c.answer) + "; " + end.explanation, source);
  if (end.served) f.remedy = "nothing needed: the CA follows this redirect to a URL that serves the file";
  return f;
}

}  // namespace

void LighttpdRemediator::Diagnose(const Target& target, const Host&, Diagnosis& out) {
  if (!parse_error_.empty()) {
    out.findings.push_back(Finding{FindingCode::kConfigInvalid, Severity::kError, "", "", parse_error_,
                                   "fix the configuration until `" + FormatArgv(TestArgv()) + "` passes",
                                   instance_.config_path, false});
    return;
  }
  if (!root_) return;
  std::set<bool> no_listener;
  for (const LighttpdUrlCase& c : Evaluate(target)) {
    const lighttpd::Answer& a = c.answer;
    std::string source = Source(instance_.config_path, a);
    for (const char* family : {"ipv4", "ipv6"}) {
      Prediction p{c.url, family, a.status, a.location, "none", source, instance_.config_path};
      if (a.outcome == Outcome::kFile) p.serves = a.file;
      if (a.outcome == Outcome::kNoListener || a.tls_mismatch)
        p = Prediction{c.url, family, 0, "", "none", "", ""};
      out.predictions.push_back(p);
    }
    if (a.outcome == Outcome::kNoListener) {
      if (!no_listener.insert(c.https).second) continue;
      out.findings.push_back(Finding{
          FindingCode::kNoListener, c.https ? Severity::kWarning : Severity::kError, "", "",
          std::string("lighttpd listens on no socket for port ") + (c.https ? "443" : "80"),
          c.https ? "add a $SERVER[\"socket\"] == \":443\" block with ssl.engine" : "set server.port = 80",
          instance_.config_path, false});
    } else if (a.tls_mismatch) {
      Finding f = Make(FindingCode::kHttpsNotServing, Severity::kWarning, c,
                       "the socket does not match the scheme (ssl.engine)", source);
      f.fixable = false;
      out.findings.push_back(std::move(f));
    } else if (a.outcome == Outcome::kRedirect) {
      out.findings.push_back(RedirectFinding(*root_, target, c, source));
    } else if (a.outcome == Outcome::kDenied) {
      out.findings.push_back(
          Make(FindingCode::kDeniedOnPath, Severity::kError, c, lighttpd::DescribeAnswer(a), source));
    } else if (a.outcome == Outcome::kFile && !FileHoldsContent(a.file, target)) {
      bool exists = std::filesystem::exists(a.file);
      Finding f =
          Make(exists ? FindingCode::kFileContentMismatch : FindingCode::kFileMissing, Severity::kError, c,
               (exists ? "content differs in " : "no file at ") + a.file + ", where lighttpd looks", source);
      f.remedy = "write the expected content to " + a.file;
      out.findings.push_back(std::move(f));
    }
  }
}

}  // namespace dcv
