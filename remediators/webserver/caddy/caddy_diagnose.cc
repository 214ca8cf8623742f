// CaddyRemediator::Diagnose: turns the per-URL evaluation into predictions (IPv4 and
// IPv6 alike: Caddy's listeners are wildcard sockets of both families) and findings with
// the Caddyfile line that causes them. A redirect — usually automatic HTTPS's 308 from
// http to https — is followed with the CA's redirect rules: when the chain ends in a URL
// this Caddy answers with the file, REDIRECT_ON_PATH is only a warning. A configuration
// that `caddy adapt` rejects yields CONFIG_INVALID and nothing else.
#include <algorithm>
#include <filesystem>
#include <set>

#include "remediators/webroot/validation_file.h"
#include "remediators/webserver/caddy/caddy_remediator.h"

namespace dcv {
namespace {

using caddy::Outcome;

std::string Trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

constexpr const char* kEditRemedy =
    "serve the path from /var/www/dcv-agent with a `handle /.well-known/...` block at the top of the site "
    "(for http, an `http://DOMAIN` site); `dcv-agent fix --dry-run` shows the edit";

bool ServesFile(const Target& target, const caddy::Answer& a) {
  if (a.status != 200 || a.tls_mismatch) return false;
  if (a.outcome == Outcome::kFile) return FileHoldsContent(a.file, target);
  return a.outcome == Outcome::kStatus && Trimmed(a.body) == Trimmed(target.content);
}

Finding Make(FindingCode code, Severity severity, const CaddyUrlCase& c, std::string evidence,
             std::string remedy, std::string source) {
  return Finding{code, severity, c.domain, c.url, std::move(evidence), std::move(remedy), std::move(source),
                 true};
}

Finding RedirectFinding(const CaddyUrlCase& c, const RedirectOutcome& end, const std::string& source) {
  std::string evidence = caddy::DescribeAnswer(c.answer) + "; " + end.explanation;
  if (!end.served)
    return Make(FindingCode::kRedirectOnPath, Severity::kError, c, evidence, kEditRemedy, source);
  return Make(FindingCode::kRedirectOnPath, Severity::kWarning, c, evidence,
              "nothing needed: the CA follows this redirect to a URL that serves the file", source);
}

void FileFindings(const Target& target, const CaddyUrlCase& c, const std::string& source,
                  std::vector<Finding>& out) {
  const std::string& file = c.assumed.file;
  bool exists = std::filesystem::exists(file);
  if (exists && FileHoldsContent(file, target)) return;
  out.push_back(
      Make(exists ? FindingCode::kFileContentMismatch : FindingCode::kFileMissing, Severity::kError, c,
           (exists ? "content differs in " : "no file at ") + file + ", where Caddy's file_server looks",
           "write the expected content to " + file, source));
}

void StatusFindings(const Target& target, const CaddyUrlCase& c, const std::string& source,
                    std::vector<Finding>& out) {
  const caddy::Answer& a = c.answer;
  if (a.status == 401 || a.status == 403) {
    out.push_back(
        Make(FindingCode::kDeniedOnPath, Severity::kError, c, caddy::DescribeAnswer(a), kEditRemedy, source));
  } else if (a.status == 404 || (a.status == 200 && a.note == "no handler responds")) {
    out.push_back(
        Make(FindingCode::kFileMissing, Severity::kError, c, caddy::DescribeAnswer(a), kEditRemedy, source));
  } else if (a.status == 200 && Trimmed(a.body) != Trimmed(target.content)) {
    out.push_back(Make(FindingCode::kFileContentMismatch, Severity::kError, c,
                       "`respond` answers other content", kEditRemedy, source));
  } else if (a.status >= 400) {
    out.push_back(
        Make(FindingCode::kHttpError, Severity::kError, c, caddy::DescribeAnswer(a), kEditRemedy, source));
  }
}

void NoListener(const std::vector<CaddyUrlCase>& cases, std::vector<Finding>& out) {
  std::set<bool> reported;
  for (const CaddyUrlCase& c : cases) {
    if (c.answer.outcome != Outcome::kNoListener || !reported.insert(c.https).second) continue;
    std::string port = c.https ? "443" : "80";
    out.push_back(Finding{FindingCode::kNoListener, c.https ? Severity::kWarning : Severity::kError, "", "",
                          "no Caddy server listens on port " + port,
                          c.https ? "give the site a host name (automatic HTTPS) or an https:// address"
                                  : "add an http:// (or :80) site address",
                          "", false});
  }
}

Prediction ToPrediction(const CaddyUrlCase& c, const std::string& source, const std::string& family) {
  Prediction p{c.url, family, c.answer.status, c.answer.location, "none", source, source};
  if (c.answer.outcome == Outcome::kNoListener || c.answer.tls_mismatch) {
    return Prediction{c.url, family, 0, "", "none", "", ""};
  }
  if (c.answer.outcome == Outcome::kFile) p.serves = c.answer.file;
  if (c.answer.outcome == Outcome::kUpstream) p.serves = "upstream";
  if (c.answer.outcome == Outcome::kUnknown) p.serves = "unknown";
  return p;
}

}  // namespace

RedirectOutcome CaddyRemediator::FollowRedirect(const Target& target, const CaddyUrlCase& c) const {
  auto hop = [&](const caddy::Answer& a) {
    if (a.tls_mismatch) return PredictedHop{0, "", false, "no TLS answer"};
    std::string what = caddy::DescribeAnswer(a);
    bool serves = ServesFile(target, a);
    if (!serves && a.status == 200) what += ", with other content";
    return PredictedHop{a.status, a.location, serves, what};
  };
  HopPredictor predict = [&](const std::string& url) -> std::optional<PredictedHop> {
    std::optional<UrlRequest> r = SplitUrl(url);
    if (!config_ || !r) return std::nullopt;
    bool named = std::find(target.domains.begin(), target.domains.end(), r->host) != target.domains.end();
    for (const caddy::Server& s : config_->servers) {
      for (const std::string& h : caddy::ServerHosts(s)) named = named || caddy::HostMatches(h, r->host);
    }
    if (!named) return std::nullopt;  // another host: it may not even resolve to this server
    caddy::Request request{r->scheme == "https", r->host, r->port, r->path};
    caddy::Answer a = caddy::Predict(
        *config_, request, [](const std::string& p) { return std::filesystem::is_regular_file(p); });
    if (a.outcome == Outcome::kNoListener) return std::nullopt;
    return hop(a);
  };
  return FollowRedirects(c.url, hop(c.answer), RedirectRulesFor(target), predict);
}

void CaddyRemediator::Diagnose(const Target& target, const Host&, Diagnosis& out) {
  if (!adapt_error_.empty()) {
    out.findings.push_back(Finding{FindingCode::kConfigInvalid, Severity::kError, "", "", adapt_error_,
                                   "fix the configuration until `" +
                                       FormatArgv(caddy::ValidateArgv(instance_)) +
                                       "` passes; dcv-agent does not edit a configuration Caddy rejects",
                                   instance_.config_path, false});
    return;
  }
  if (!config_) return;
  std::vector<CaddyUrlCase> cases = Evaluate(target);
  std::vector<Finding> findings;
  for (const CaddyUrlCase& c : cases) {
    std::string source = SourceOf(c);
    for (const char* family : {"ipv4", "ipv6"}) out.predictions.push_back(ToPrediction(c, source, family));
    const caddy::Answer& a = c.answer;
    if (a.outcome == Outcome::kNoListener) continue;
    if (a.tls_mismatch) {
      Finding f =
          Make(FindingCode::kHttpsNotServing, Severity::kWarning, c,
               c.https ? "port 443 answers without TLS (automatic HTTPS is off)" : "port 80 expects TLS",
               "give the site an https:// address with a certificate", source);
      f.fixable = false;
      findings.push_back(std::move(f));
    } else if (a.outcome == Outcome::kRedirect) {
      findings.push_back(RedirectFinding(c, FollowRedirect(target, c), source));
    } else if (a.outcome == Outcome::kFile) {
      FileFindings(target, c, source, findings);
    } else if (a.outcome == Outcome::kStatus) {
      StatusFindings(target, c, source, findings);
    } else if (a.outcome == Outcome::kUpstream) {
      findings.push_back(Make(FindingCode::kFileMissing, Severity::kWarning, c,
                              "the path is passed to the application: " + a.note, kEditRemedy, source));
    }
  }
  NoListener(cases, findings);
  for (Finding& f : findings) out.findings.push_back(std::move(f));
}

}  // namespace dcv
