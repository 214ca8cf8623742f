// The text report, for people: findings grouped by domain (the domains in the order given,
// host-wide findings last), each with what is wrong, the evidence and its file:line, and
// the remedy; then the plan, the checks, and a one-line verdict last, so that `tail -1`
// (or -q) is enough for a script that does not parse JSON. Phrases come from the message
// catalogue in the style's language; evidence, sources and commands stay as found.
// Colours are ANSI escapes, only when the style asks for them.
#include "agent/report.h"

#include <algorithm>
#include <sstream>

#include "platform/process.h"

namespace dcv {
namespace {

constexpr std::string_view kBold = "\033[1m", kRed = "\033[1;31m", kYellow = "\033[33m", kGreen = "\033[32m",
                           kCyan = "\033[36m", kReset = "\033[0m";

class Painter {
 public:
  explicit Painter(bool on) : on_(on) {}
  std::string operator()(std::string_view text, std::string_view color) const {
    return on_ ? std::string(color) + std::string(text) + std::string(kReset) : std::string(text);
  }

 private:
  bool on_;
};

// Columns a terminal gives the text: CJK and other wide characters take two.
std::size_t DisplayWidth(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = text[i];
    if ((c & 0xc0) == 0x80) continue;  // continuation byte
    width += (c >= 0xe1 && c <= 0xef) ? 2 : 1;  // three-byte sequences from U+1000 on: CJK
  }
  return width;
}

std::string_view Colon(Lang lang) { return lang == Lang::kEn ? ":" : "："; }

// "    label:   value", the values of a finding aligned in one column, continuation lines
// indented under the first line.
void Field(std::ostream& out, Lang lang, MessageId label, const std::string& value) {
  if (value.empty()) return;
  std::size_t column = 14;
  for (MessageId id : {MessageId::kEvidence, MessageId::kSource, MessageId::kUrl, MessageId::kRemedy, MessageId::kDetail}) {
    column = std::max(column, 4 + DisplayWidth(Message(lang, id)) + DisplayWidth(Colon(lang)) + 1);
  }
  std::string head = "    " + std::string(Message(lang, label)) + std::string(Colon(lang));
  head += std::string(column - DisplayWidth(head), ' ');
  std::istringstream lines(value);
  std::string line;
  for (bool first = true; std::getline(lines, line); first = false) {
    out << (first ? head : std::string(column, ' ')) << line << "\n";
  }
}

std::string_view SeverityText(Severity severity, Lang lang, std::string_view& color) {
  switch (severity) {
    case Severity::kError: color = kRed; return Message(lang, MessageId::kSeverityError);
    case Severity::kWarning: color = kYellow; return Message(lang, MessageId::kSeverityWarning);
    case Severity::kInfo: color = kCyan; return Message(lang, MessageId::kSeverityInfo);
  }
  color = kRed;
  return Message(lang, MessageId::kSeverityError);
}

void RenderFinding(const Finding& f, const TextStyle& style, std::ostream& out) {
  const Painter paint(style.color);
  const CodeText text = CodeMessage(style.lang, f.code);
  std::string_view color;
  const std::string_view severity = SeverityText(f.severity, style.lang, color);
  out << "  " << paint(severity, color) << " " << paint(CodeName(f.code), kBold)
      << (f.fixed ? paint(Message(style.lang, MessageId::kFixed), kGreen) : "") << Colon(style.lang)
      << (style.lang == Lang::kEn ? " " : "") << text.summary << "\n";
  Field(out, style.lang, MessageId::kEvidence, f.evidence);
  Field(out, style.lang, MessageId::kSource, f.source);
  if (f.evidence.find(f.url) == std::string::npos) Field(out, style.lang, MessageId::kUrl, f.url);
  if (f.fixed) return;
  if (style.lang == Lang::kEn) {
    Field(out, style.lang, MessageId::kRemedy, f.remedy.empty() ? std::string(text.remedy) : f.remedy);
  } else {  // the translated general remedy, then the finding's own (English) one
    Field(out, style.lang, MessageId::kRemedy, std::string(text.remedy));
    Field(out, style.lang, MessageId::kDetail, f.remedy);
  }
}

// The findings per domain: the target's domains in their order, then any other domain,
// then host-wide findings (no domain).
std::vector<std::pair<std::string, std::vector<const Finding*>>> GroupByDomain(const Report& report) {
  std::vector<std::string> order = report.target.domains;
  for (const Finding& f : report.diagnosis.findings) {
    if (!f.domain.empty() && std::find(order.begin(), order.end(), f.domain) == order.end()) order.push_back(f.domain);
  }
  order.emplace_back();
  std::vector<std::pair<std::string, std::vector<const Finding*>>> groups;
  for (const std::string& domain : order) {
    std::vector<const Finding*> findings;
    for (const Finding& f : report.diagnosis.findings) {
      if (f.domain == domain) findings.push_back(&f);
    }
    if (!findings.empty()) groups.emplace_back(domain, std::move(findings));
  }
  return groups;
}

void RenderFindings(const Report& report, const TextStyle& style, std::ostream& out) {
  const Painter paint(style.color);
  for (const auto& [domain, findings] : GroupByDomain(report)) {
    const std::string heading = domain.empty() ? std::string(Message(style.lang, MessageId::kThisHost)) : domain;
    out << paint(heading + std::string(Colon(style.lang)), kBold) << "\n";
    for (const Finding* f : findings) RenderFinding(*f, style, out);
  }
}

// What a step does, as a person would type or read it.
std::string StepDetail(const StepAction& action) {
  struct Visitor {
    std::string operator()(const RunCommand& r) const { return FormatArgv(r.argv); }
    std::string operator()(const WriteFile& w) const { return w.path; }
    std::string operator()(const EditFile& e) const { return e.diff; }
    std::string operator()(const RemoveFile& r) const { return r.path; }
    std::string operator()(const Reload& r) const {
      return FormatArgv(r.test_argv) + " && " + FormatArgv(r.reload_argv);
    }
  };
  return std::visit(Visitor{}, action);
}

void RenderPlan(const Report& report, const TextStyle& style, std::ostream& out) {
  if (report.plan.empty()) return;
  const MessageId heading = report.dry_run ? MessageId::kPlanDryRun
                            : report.applied ? MessageId::kApplied
                                             : MessageId::kPlan;
  out << Painter(style.color)(Message(style.lang, heading), kBold) << "\n";
  for (std::size_t i = 0; i < report.plan.steps.size(); ++i) {
    const Step& step = report.plan.steps[i];
    out << "  " << i + 1 << ". [" << StepKind(step.action) << "] " << step.description << "\n";
    std::istringstream detail(StepDetail(step.action));
    for (std::string line; std::getline(detail, line);) out << "       " << line << "\n";
  }
}

void RenderChecks(const Report& report, const TextStyle& style, std::ostream& out) {
  if (report.checks.empty()) return;
  const Painter paint(style.color);
  out << paint(Message(style.lang, MessageId::kChecks), kBold) << "\n";
  for (const CheckResult& c : report.checks) {
    out << "  " << (c.ok() ? paint("ok  ", kGreen) : c.no_address ? std::string("n/a ") : paint("FAIL", kRed)) << " "
        << c.family << " " << c.url;
    for (const std::string& hop : c.redirects) out << " -> " << hop;  // each redirect followed
    if (c.status) out << " -> " << c.status;
    if (c.error) out << " (" << *c.error << ")";
    out << "  [" << c.vantage << "]\n";
  }
}

std::string_view MethodLabel(Method method) {
  switch (method) {
    case Method::kFile: return "file";
    case Method::kAcmeHttp: return "http-01";
    case Method::kDns: return "dns";
  }
  return "file";
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

std::string Count(Lang lang, std::size_t n, MessageId one, MessageId many) {
  return n == 1 ? std::string(Message(lang, one)) : FillMessage(Message(lang, many), {{"n", std::to_string(n)}});
}

// The codes of the findings that remain with `severity`, each once, in report order.
std::vector<std::string> OpenCodes(const Report& report, Severity severity) {
  std::vector<std::string> codes;
  for (const Finding& f : report.diagnosis.findings) {
    const std::string name(CodeName(f.code));
    if (f.severity == severity && !f.fixed && std::find(codes.begin(), codes.end(), name) == codes.end()) {
      codes.push_back(name);
    }
  }
  return codes;
}

std::size_t OpenCount(const Report& report, Severity severity) {
  return std::count_if(report.diagnosis.findings.begin(), report.diagnosis.findings.end(),
                       [&](const Finding& f) { return f.severity == severity && !f.fixed; });
}

// "2 errors, 1 warning (A, B)"; warnings only when `with_errors` is false and there are some.
std::string Counts(const Report& report, Lang lang, bool with_errors) {
  const std::size_t errors = OpenCount(report, Severity::kError), warnings = OpenCount(report, Severity::kWarning);
  std::vector<std::string> parts, codes;
  if (with_errors) {
    parts.push_back(Count(lang, errors, MessageId::kErrorsOne, MessageId::kErrorsMany));
    codes = OpenCodes(report, Severity::kError);
  }
  if (warnings > 0) parts.push_back(Count(lang, warnings, MessageId::kWarningsOne, MessageId::kWarningsMany));
  for (const std::string& code : OpenCodes(report, Severity::kWarning)) codes.push_back(code);
  if (parts.empty()) return "";
  std::string text = Join(parts, Message(lang, MessageId::kCountSeparator));
  if (!codes.empty()) text += FillMessage(Message(lang, MessageId::kVerdictCodes), {{"codes", Join(codes, ", ")}});
  return text;
}

}  // namespace

std::string RenderText(const Report& report, bool quiet, const TextStyle& style) {
  std::ostringstream out;
  if (!quiet) {
    RenderFindings(report, style, out);
    RenderPlan(report, style, out);
    RenderChecks(report, style, out);
    for (const std::string& error : report.errors) {
      out << FillMessage(Message(style.lang, MessageId::kErrorLine), {{"text", error}}) << "\n";
    }
  }
  const std::string verdict = VerdictLine(report, style);
  out << Painter(style.color)(verdict, report.ready ? kGreen : kRed) << "\n";
  return out.str();
}

std::string VerdictLine(const Report& report, const TextStyle& style) {
  const Lang lang = style.lang;
  const std::string domains = Join(report.target.domains, ", ");
  std::string line;
  std::vector<std::string> notes;
  if (report.ready && report.command == "cleanup") {
    line = FillMessage(Message(lang, report.dry_run ? MessageId::kVerdictCleanupPlanned : MessageId::kVerdictCleanupDone),
                       {{"domains", domains}});
  } else if (report.ready) {
    line = FillMessage(Message(lang, MessageId::kVerdictReady),
                       {{"domains", domains}, {"ca", report.target.ca}, {"method", std::string(MethodLabel(report.target.method))}});
    if (std::string warnings = Counts(report, lang, false); !warnings.empty()) notes.push_back(warnings);
  } else {
    line = FillMessage(Message(lang, MessageId::kVerdictNotReady), {{"counts", Counts(report, lang, true)}});
    if (!report.errors.empty()) {
      notes.push_back(FillMessage(Message(lang, MessageId::kVerdictProblems), {{"n", std::to_string(report.errors.size())}}));
    }
    if (report.dry_run && !report.plan.empty()) {
      notes.push_back(FillMessage(Message(lang, MessageId::kVerdictPlanPending),
                                  {{"n", std::to_string(report.plan.steps.size())}}));
    }
  }
  for (const std::string& note : notes) line += FillMessage(Message(lang, MessageId::kVerdictNote), {{"text", note}});
  if (!report.run_id.empty() && report.applied) {
    line += FillMessage(Message(lang, MessageId::kVerdictRun), {{"id", report.run_id}});
  }
  return line;
}

}  // namespace dcv
