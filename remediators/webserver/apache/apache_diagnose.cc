// ApacheRemediator::Diagnose: turns the per-URL evaluation into predictions (one per URL
// and address family) and findings with the directive that causes them: a redirect
// (Redirect*, RewriteRule [R], an .htaccess rule) or a deny (Require, [F], a 403 from
// Order/Deny) on the path, the file missing or stale where httpd looks for it, the
// request landing on a default vhost that does not name the domain, nothing listening,
// or https reaching a vhost without SSLEngine. A redirect the CA follows (its profile's
// rules) to a URL httpd answers with the file is only a warning; any other redirect is an
// error. A configuration that fails its config test yields CONFIG_INVALID and nothing else.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "remediators/webroot/validation_file.h"
#include "remediators/webserver/apache/apache_remediator.h"

namespace dcv {
namespace {

Prediction ToPrediction(const ApacheEvaluation& eval, const ApacheUrlCase& c) {
  Prediction p;
  p.url = c.url;
  p.family = c.ipv6 ? "ipv6" : "ipv4";
  p.serves = "none";
  if (!c.listening) return p;
  p.server_block = (*eval.vhosts)[c.vhost].where;
  if (c.tls_mismatch) return p;
  const apache::Answer& a = c.answer;
  p.status = a.status;
  p.location = a.location;
  p.source = a.source.empty() ? p.server_block : a.source;
  if (a.outcome == apache::Outcome::kFile) p.serves = a.file;
  if (a.outcome == apache::Outcome::kUpstream) p.serves = "upstream";
  if (a.outcome == apache::Outcome::kUnknown) p.serves = "unknown";
  return p;
}

Finding Make(FindingCode code, Severity severity, const ApacheUrlCase& c, std::string evidence,
             std::string remedy, std::string source) {
  return Finding{code, severity, c.domain, c.url, std::move(evidence), std::move(remedy),
                 std::move(source), true};
}

constexpr const char* kEditRemedy =
    "map the validation path at the top of the VirtualHost to /var/www/dcv-agent (an Alias, or "
    "a first `RewriteRule ... [END]` where rewrites or redirects would win) with a <Directory> "
    "grant; `dcv-agent fix` does this";

/// Whether the answer is the validation file holding the expected content.
bool ServesFile(const Target& target, const apache::Answer& a) {
  return a.outcome == apache::Outcome::kFile && a.status == 200 && FileHoldsContent(a.file, target);
}

/// A redirect on the path: a warning when the CA follows it to a URL that serves the
/// file, an error otherwise (the evidence says where the chain ends).
Finding RedirectFinding(const ApacheUrlCase& c, const RedirectOutcome& end, const std::string& source) {
  const apache::Answer& a = c.answer;
  std::string evidence = std::to_string(a.status) + " Location: " + a.location + " (" + a.note +
                         (a.via_htaccess ? " in .htaccess" : "") + "); " + end.explanation;
  if (!end.served) {
    return Make(FindingCode::kRedirectOnPath, Severity::kError, c, evidence, kEditRemedy, source);
  }
  return Make(FindingCode::kRedirectOnPath, Severity::kWarning, c, evidence,
              "nothing needed: the CA follows this redirect; to answer the path directly, "
              "`dcv-agent fix` maps it to /var/www/dcv-agent ahead of the redirect",
              source);
}

void UrlFindings(const ApacheEvaluation& eval, const Target& target, const ApacheUrlCase& c,
                 const RedirectOutcome& redirect_end, std::vector<Finding>& out) {
  const apache::Vhost& vhost = (*eval.vhosts)[c.vhost];
  const apache::Answer& a = c.answer;
  std::string source = a.source.empty() ? vhost.where : a.source;
  if (c.tls_mismatch) {
    Finding f = Make(FindingCode::kHttpsNotServing, Severity::kWarning, c,
                     std::string(c.https ? "port 443 reaches a VirtualHost without SSLEngine on"
                                         : "port 80 reaches a VirtualHost with SSLEngine on") +
                         " (" + vhost.where + ")",
                     "enable mod_ssl and a certificate in a *:443 VirtualHost for " + c.domain,
                     vhost.where);
    f.fixable = false;
    out.push_back(std::move(f));
    return;
  }
  if (!c.name_matched) {
    bool served = a.outcome == apache::Outcome::kFile && a.status == 200;
    out.push_back(Make(FindingCode::kWrongVhost, served ? Severity::kWarning : Severity::kError, c,
                       "the request lands on the default VirtualHost at " + vhost.where +
                           ", whose ServerName/ServerAlias do not include " + c.domain,
                       "add " + c.domain + " as ServerAlias of the intended VirtualHost, or serve "
                       "the path in this one (`dcv-agent fix` does the latter)",
                       vhost.where));
  }
  std::string where_kind = a.via_htaccess ? " in .htaccess" : "";
  if (a.outcome == apache::Outcome::kRedirect) {
    out.push_back(RedirectFinding(c, redirect_end, source));
  } else if (a.outcome == apache::Outcome::kStatus && (a.status == 401 || a.status == 403)) {
    out.push_back(Make(FindingCode::kDeniedOnPath, Severity::kError, c,
                       std::to_string(a.status) + " from " + a.note + where_kind, kEditRemedy,
                       source));
  } else if (c.assumed.outcome == apache::Outcome::kFile && c.assumed.status == 200) {
    const std::string& file = c.assumed.file;
    bool exists = std::filesystem::exists(file);
    bool matches = c.assumed.docroot.empty() ? FileHoldsContent(file, target)
                                             : ValidationFileMatches(c.assumed.docroot, target);
    if (!exists || !matches) {
      out.push_back(Make(exists ? FindingCode::kFileContentMismatch : FindingCode::kFileMissing,
                         Severity::kError, c,
                         (exists ? "content differs in " : "no file at ") + file +
                             ", where Apache looks (" + source + ")",
                         "write the expected content to " + file, source));
    }
  } else if (a.outcome == apache::Outcome::kUpstream) {
    out.push_back(Make(FindingCode::kFileMissing, Severity::kWarning, c,
                       "the path is passed to the application (" + a.upstream + ", " + a.note + ")",
                       kEditRemedy, source));
  } else if (a.outcome == apache::Outcome::kStatus) {
    out.push_back(Make(a.status == 404 ? FindingCode::kFileMissing : FindingCode::kHttpError,
                       Severity::kError, c, std::to_string(a.status) + " (" + a.note + ")",
                       kEditRemedy, source));
  }
}

void NoListener(const std::vector<ApacheUrlCase>& cases, std::vector<Finding>& out) {
  std::set<std::pair<bool, bool>> reported;
  for (const ApacheUrlCase& c : cases) {
    if (c.listening || !reported.insert({c.https, c.ipv6}).second) continue;
    std::string port = c.https ? "443" : "80";
    Finding f{FindingCode::kNoListener,
              c.https || c.ipv6 ? Severity::kWarning : Severity::kError,
              "",
              "",
              "no Apache Listen covers port " + port + " for " + (c.ipv6 ? "IPv6" : "IPv4"),
              "add `Listen " + port + (c.https ? " https" : "") + "` (and for 443 mod_ssl with a "
              "*:443 VirtualHost) to the Apache configuration",
              "",
              false};
    out.push_back(std::move(f));
  }
}

}  // namespace

RedirectOutcome ApacheRemediator::FollowRedirect(const Target& target, const ApacheUrlCase& c) const {
  auto hop = [&](const ApacheUrlCase& at) {
    if (at.tls_mismatch) return PredictedHop{0, "", false, "no TLS answer (SSLEngine mismatch)"};
    const apache::Answer& a = at.answer;
    bool serves = ServesFile(target, a);
    std::string what = apache::DescribeAnswer(a);
    if (!serves && a.status == 200) what += ", with other content";
    return PredictedHop{a.status, a.location, serves, what};
  };
  HopPredictor predict = [&](const std::string& url) -> std::optional<PredictedHop> {
    std::optional<ApacheEvaluation> next = EvaluateUrl(target, url, c.ipv6);
    if (!next) return std::nullopt;
    return hop(next->cases.front());
  };
  return FollowRedirects(c.url, hop(c), RedirectRulesFor(target), predict);
}

void ApacheRemediator::Diagnose(const Target& target, const Host&, Diagnosis& out) {
  if (config_invalid_) {
    out.findings.push_back(Finding{FindingCode::kConfigInvalid, Severity::kError, "", "",
                                   test_output_,
                                   "fix the configuration until `" +
                                       FormatArgv(apache::TestArgv(instance_)) +
                                       "` passes; dcv-agent does not edit a configuration that "
                                       "already fails it",
                                   instance_.conf_path, false});
    return;
  }
  if (!config_) return;
  ApacheEvaluation eval = Evaluate(target, *config_);
  std::vector<Finding> findings;
  for (const ApacheUrlCase& c : eval.cases) {
    out.predictions.push_back(ToPrediction(eval, c));
    if (!c.listening) continue;
    RedirectOutcome end;
    if (!c.tls_mismatch && c.answer.outcome == apache::Outcome::kRedirect) end = FollowRedirect(target, c);
    UrlFindings(eval, target, c, end, findings);
  }
  NoListener(eval.cases, findings);
  std::set<std::string> seen;  // IPv4 and IPv6 often find the same thing
  for (Finding& f : findings) {
    std::string key = std::string(CodeName(f.code)) + "|" + f.url + "|" + f.source + "|" + f.evidence;
    if (seen.insert(key).second) out.findings.push_back(std::move(f));
  }
}

}  // namespace dcv
