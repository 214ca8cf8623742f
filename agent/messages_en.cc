// English phrases of the text report, and the general remedy of each finding code. The
// one-line explanation of a code is not repeated here: in English it is the summary of the
// finding-code table (agent/core/finding_codes.cc), which also feeds the README catalogue.
// A finding's own remedy, when it has one, is more specific and is shown instead.
#include "agent/messages.h"

namespace dcv {

const MessageTable& EnglishMessages() {
  static const MessageTable kTable = {
      {
          {MessageId::kThisHost, "this host"},
          {MessageId::kEvidence, "evidence"},
          {MessageId::kSource, "source"},
          {MessageId::kRemedy, "remedy"},
          {MessageId::kDetail, "detail"},
          {MessageId::kUrl, "url"},
          {MessageId::kFixed, " (fixed)"},
          {MessageId::kSeverityError, "error"},
          {MessageId::kSeverityWarning, "warning"},
          {MessageId::kSeverityInfo, "info"},
          {MessageId::kPlan, "plan:"},
          {MessageId::kPlanDryRun, "plan (dry run, nothing changed):"},
          {MessageId::kApplied, "applied:"},
          {MessageId::kChecks, "checks:"},
          {MessageId::kErrorLine, "error: {text}"},
          {MessageId::kVerdictReady, "READY: {domains} will pass {ca} {method} validation"},
          {MessageId::kVerdictNotReady, "NOT READY: {counts}"},
          {MessageId::kVerdictCleanupDone, "READY: cleanup for {domains} done"},
          {MessageId::kVerdictCleanupPlanned, "READY: cleanup for {domains} planned (dry run, nothing changed)"},
          {MessageId::kVerdictCodes, " ({codes})"},
          {MessageId::kVerdictRun, " (run {id})"},
          {MessageId::kVerdictProblems, "{n} problem(s) listed above"},
          {MessageId::kVerdictPlanPending, "dry run: {n} step(s) planned, nothing changed"},
          {MessageId::kVerdictNote, "; {text}"},
          {MessageId::kCountSeparator, ", "},
          {MessageId::kErrorsOne, "1 error"},
          {MessageId::kErrorsMany, "{n} errors"},
          {MessageId::kWarningsOne, "1 warning"},
          {MessageId::kWarningsMany, "{n} warnings"},
          {MessageId::kProgressChecking, "checking {n} URLs…"},
      },
      {
          {FindingCode::kPortClosedFirewall, "", "open tcp/80 (and tcp/443) to the CA in the firewall; `fix` does it"},
          {FindingCode::kPortBlockedUpstream, "",
           "open tcp/80 and tcp/443 in the firewall in front of this host (cloud security group, router, provider)"},
          {FindingCode::kNoListener, "", "start the web server, or make it listen on port 80/443 over IPv4 and IPv6"},
          {FindingCode::kRedirectOnPath, "",
           "exempt the validation path from the redirect; `fix` adds an exact location for it"},
          {FindingCode::kRedirectBadTarget, "",
           "redirect only to http/https on ports 80/443 with 301, 302, 307 or 308, in few hops, or do not redirect"},
          {FindingCode::kDeniedOnPath, "", "allow anonymous access to the validation path; `fix` adds a grant for it"},
          {FindingCode::kFileMissing, "", "put the validation file where the server serves the path; `fix` writes it"},
          {FindingCode::kFileContentMismatch, "",
           "replace the file with exactly the content the CA gave; `fix` rewrites it"},
          {FindingCode::kHttpsNotServing, "", "serve the file over https too, or make sure the CA validates over http"},
          {FindingCode::kWwwApexIncomplete, "", "serve the file for both the apex and the www name"},
          {FindingCode::kWrongVhost, "",
           "add the name to the server block that should answer it (server_name, ServerName/ServerAlias)"},
          {FindingCode::kIpv6Broken, "", "repair the IPv6 path (listener, firewall, routing) or remove the AAAA record"},
          {FindingCode::kCdnOrProxy, "",
           "let the CDN or proxy pass the validation path through to this host, or validate over DNS"},
          {FindingCode::kWildcardNeedsDns, "", "validate wildcard names with --method dns"},
          {FindingCode::kTxtMissing, "", "publish the TXT record on every authoritative server of the zone"},
          {FindingCode::kTxtMismatch, "", "replace the TXT record's value with the one the CA gave"},
          {FindingCode::kTxtNotOnAllNs, "",
           "publish the record on every authoritative server and wait until all of them answer it"},
          {FindingCode::kCaaForbids, "", "add a CAA issue record that names the CA, or remove the restricting record"},
          {FindingCode::kDnssecBogus, "",
           "repair the zone's DNSSEC chain (DS at the parent, valid signatures) or remove the DS record"},
          {FindingCode::kSensitiveName, "", "expect a manual review by the CA, or choose another name"},
          {FindingCode::kConfigInvalid, "",
           "repair the web server's configuration until its own test passes; nothing is changed before"},
          {FindingCode::kLocalVantageOnly, "", "pass --probe URL of a `dcv-agent probe serve` outside this network"},
          {FindingCode::kHttpError, "",
           "read the web server's error log for the validation URL and remove the cause"},
      },
  };
  return kTable;
}

}  // namespace dcv
