// NginxRemediator::Diagnose: turns the per-URL evaluation into predictions (one per URL
// and address family) and findings with the directive that causes them: a redirect or a
// deny on the path, the file missing or stale where nginx looks for it, the request
// landing on a default block that does not name the domain, nothing listening, or https
// reaching a socket without TLS. A redirect is followed with the CA's redirect rules
// (FollowRedirect): when the chain ends in a URL this nginx answers with the file, the CA
// validates through it and REDIRECT_ON_PATH is only a warning; otherwise it is an error
// whose evidence says where the CA stops. A configuration that fails `nginx -t` yields
// CONFIG_INVALID and nothing else.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "remediators/webroot/validation_file.h"
#include "remediators/webserver/nginx/nginx_remediator.h"

namespace dcv {
namespace {

std::string Trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

Prediction ToPrediction(const nginx::Config& config, const NginxUrlCase& c) {
  Prediction p;
  p.url = c.url;
  p.family = c.ipv6 ? "ipv6" : "ipv4";
  p.serves = "none";
  if (!c.selection) return p;
  p.server_block = config.Where(*c.selection->server->directive);
  if (c.tls_mismatch) return p;
  const nginx::Answer& a = c.answer;
  p.status = a.status;
  p.location = a.location;
  p.source = a.decider ? config.Where(*a.decider) : p.server_block;
  if (a.outcome == nginx::Outcome::kFile) p.serves = a.file;
  if (a.outcome == nginx::Outcome::kUpstream) p.serves = "upstream";
  if (a.outcome == nginx::Outcome::kUnknown) p.serves = "unknown";
  return p;
}

Finding Make(FindingCode code, Severity severity, const NginxUrlCase& c, std::string evidence,
             std::string remedy, std::string source) {
  return Finding{
      code, severity, c.domain, c.url, std::move(evidence), std::move(remedy), std::move(source),
      true};
}

constexpr const char* kEditRemedy =
    "exempt the validation path at the top of the server block (`rewrite ... break;` and an "
    "exact `location =` serving it from /var/www/dcv-agent); `dcv-agent fix` does this";

/// Whether the answer is the validation file (a served file or `return 200` holding it).
bool ServesFile(const Target& target, const nginx::Answer& a) {
  if (a.status != 200) return false;
  if (a.outcome == nginx::Outcome::kFile) return FileHoldsContent(a.file, target);
  return a.outcome == nginx::Outcome::kStatus && Trimmed(a.body) == Trimmed(target.content);
}

/// A redirect on the path: a warning when the CA follows it to a URL that serves the
/// file, an error otherwise (the evidence says where the chain ends).
Finding RedirectFinding(const NginxUrlCase& c, const RedirectOutcome& end, const std::string& source) {
  const nginx::Answer& a = c.answer;
  std::string evidence =
      std::to_string(a.status) + " Location: " + a.location + " (" + a.note + "); " + end.explanation;
  if (!end.served) {
    return Make(FindingCode::kRedirectOnPath, Severity::kError, c, evidence, kEditRemedy, source);
  }
  return Make(FindingCode::kRedirectOnPath, Severity::kWarning, c, evidence,
              "nothing needed: the CA follows this redirect; to answer the path directly, "
              "`dcv-agent fix` exempts it (`rewrite ... break;` and an exact `location =`)",
              source);
}

/// The findings for one URL that reaches a server block.
void UrlFindings(const nginx::Config& config, const Target& target, const NginxUrlCase& c,
                 const RedirectOutcome& redirect_end, std::vector<Finding>& out) {
  const nginx::ServerBlock& server = *c.selection->server;
  std::string block = config.Where(*server.directive);
  const nginx::Answer& a = c.answer;
  std::string source = a.decider ? config.Where(*a.decider) : block;
  if (c.tls_mismatch) {
    Finding f =
        Make(FindingCode::kHttpsNotServing, Severity::kWarning, c,
             std::string(c.https ? "port 443 is not a TLS listener" : "port 80 expects TLS") +
                 " in the block at " + block,
             "add `ssl` (and a certificate) to the listen directive", block);
    f.fixable = false;
    out.push_back(std::move(f));
    return;
  }
  if (!c.selection->NameMatched() && !nginx::ServerNameMatches(server, c.domain)) {
    bool served = a.outcome == nginx::Outcome::kFile && a.status == 200;
    out.push_back(Make(FindingCode::kWrongVhost, served ? Severity::kWarning : Severity::kError, c,
                       "the request lands on the " +
                           std::string(nginx::MatchKindName(c.selection->how)) + " at " + block +
                           ", whose server_name does not include " + c.domain,
                       "add " + c.domain +
                           " to the server_name of the intended block, or serve "
                           "the path in this one (`dcv-agent fix` does the latter)",
                       block));
  }
  if (a.outcome == nginx::Outcome::kRedirect) {
    out.push_back(RedirectFinding(c, redirect_end, source));
  } else if (a.denied) {
    out.push_back(Make(FindingCode::kDeniedOnPath, Severity::kError, c,
                       std::to_string(a.status) + " from " + a.note, kEditRemedy, source));
  } else if (c.assumed.outcome == nginx::Outcome::kFile) {
    const std::string& file = c.assumed.file;
    bool exists = std::filesystem::exists(file);
    bool matches = c.assumed.docroot.empty() ? FileHoldsContent(file, target)
                                             : ValidationFileMatches(c.assumed.docroot, target);
    if (!exists || !matches) {
      out.push_back(Make(exists ? FindingCode::kFileContentMismatch : FindingCode::kFileMissing,
                         Severity::kError, c,
                         (exists ? "content differs in " : "no file at ") + file +
                             ", where nginx looks (" + config.Where(*c.assumed.decider) + ")",
                         "write the expected content to " + file, source));
    }
  } else if (a.outcome == nginx::Outcome::kUpstream) {
    out.push_back(Make(FindingCode::kFileMissing, Severity::kWarning, c,
                       "the path is passed to the application: " + a.note, kEditRemedy, source));
  } else if (a.outcome == nginx::Outcome::kStatus && a.status == 200 &&
             Trimmed(a.body) != Trimmed(target.content)) {
    out.push_back(Make(FindingCode::kFileContentMismatch, Severity::kError, c,
                       "`return 200` answers other content (" + a.note + ")", kEditRemedy, source));
  } else if (a.outcome == nginx::Outcome::kNoResponse) {
    out.push_back(Make(FindingCode::kDeniedOnPath, Severity::kError, c,
                       "the connection is closed without an answer (" + source + ")", kEditRemedy,
                       source));
  }
}

void NoListener(const std::vector<NginxUrlCase>& cases, std::vector<Finding>& out) {
  std::set<std::pair<bool, bool>> reported;
  for (const NginxUrlCase& c : cases) {
    if (c.selection || !reported.insert({c.https, c.ipv6}).second) continue;
    std::string port = c.https ? "443" : "80";
    std::string family = c.ipv6 ? "IPv6" : "IPv4";
    Finding f{FindingCode::kNoListener,
              c.https || c.ipv6 ? Severity::kWarning : Severity::kError,
              "",
              "",
              "no nginx server block listens on port " + port + " for " + family,
              "add `listen " + std::string(c.ipv6 ? "[::]:" : "") + port + (c.https ? " ssl" : "") +
                  ";` to the server block for the domain",
              "",
              false};
    out.push_back(std::move(f));
  }
}

}  // namespace

RedirectOutcome NginxRemediator::FollowRedirect(const Target& target, const NginxUrlCase& c) const {
  auto hop = [&](const nginx::Answer& a, const NginxUrlCase& at) {
    if (at.tls_mismatch) return PredictedHop{0, "", false, "no TLS answer (ssl mismatch)"};
    std::string what = config_ ? nginx::DescribeAnswer(*config_, a) : std::to_string(a.status);
    bool serves = ServesFile(target, a);
    if (!serves && a.status == 200) what += ", with other content";
    return PredictedHop{a.status, a.location, serves, what};
  };
  HopPredictor predict = [&](const std::string& url) -> std::optional<PredictedHop> {
    std::optional<NginxUrlCase> next = EvaluateUrl(target, url, c.ipv6);
    if (!next) return std::nullopt;
    return hop(next->answer, *next);
  };
  return FollowRedirects(c.url, hop(c.answer, c), RedirectRulesFor(target), predict);
}

void NginxRemediator::Diagnose(const Target& target, const Host&, Diagnosis& out) {
  if (config_invalid_) {
    Finding f{FindingCode::kConfigInvalid,
              Severity::kError,
              "",
              "",
              test_output_,
              "fix the configuration until `" + FormatArgv(nginx::TestArgv(instance_)) +
                  "` passes; dcv-agent does not edit a configuration that already fails it",
              instance_.conf_path,
              false};
    out.findings.push_back(std::move(f));
    return;
  }
  if (!config_) return;
  std::vector<NginxUrlCase> cases = Evaluate(target);
  std::vector<Finding> findings;
  for (const NginxUrlCase& c : cases) {
    out.predictions.push_back(ToPrediction(*config_, c));
    if (!c.selection) continue;
    RedirectOutcome end;
    if (!c.tls_mismatch && c.answer.outcome == nginx::Outcome::kRedirect) end = FollowRedirect(target, c);
    UrlFindings(*config_, target, c, end, findings);
  }
  NoListener(cases, findings);
  std::set<std::string> seen;  // IPv4 and IPv6 often find the same thing
  for (Finding& f : findings) {
    std::string key =
        std::string(CodeName(f.code)) + "|" + f.url + "|" + f.source + "|" + f.evidence;
    if (seen.insert(key).second) out.findings.push_back(std::move(f));
  }
}

}  // namespace dcv
