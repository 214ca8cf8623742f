// Rendering of a Report. The JSON keeps the stable core from DESIGN.md (verdict, run_id,
// findings, predictions, plan, checks) and adds fields freely; the text groups findings by
// domain with evidence, source and remedy, shows the plan as commands and diffs, and ends
// with a one-line verdict so that `tail -1` is enough for a script that does not parse JSON.
#include "agent/report.h"

#include <iostream>
#include <map>
#include <sstream>

#include "agent/core/journal.h"
#include "agent/verify/check_json.h"
#include "agent/verify/ca_profile.h"
#include "platform/process.h"

namespace dcv {
namespace {

const char* MethodName(Method method) {
  switch (method) {
    case Method::kFile: return "file";
    case Method::kAcmeHttp: return "acme-http";
    case Method::kDns: return "dns";
  }
  return "file";
}

nlohmann::json FindingToJson(const Finding& f) {
  return {{"code", CodeName(f.code)}, {"severity", SeverityName(f.severity)}, {"domain", f.domain},
          {"url", f.url}, {"evidence", f.evidence}, {"remedy", f.remedy}, {"source", f.source},
          {"fixable", f.fixable}, {"fixed", f.fixed}};
}

nlohmann::json PredictionToJson(const Prediction& p) {
  return {{"url", p.url}, {"family", p.family}, {"status", p.status},
          {"location", p.location.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.location)},
          {"serves", p.serves}, {"source", p.source}, {"server_block", p.server_block}};
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

nlohmann::json StepToJson(const Step& step) {
  nlohmann::json json = {{"id", step.id}, {"kind", StepKind(step.action)}, {"remediator", step.remediator},
                         {"description", step.description}, {"diff", nullptr}};
  if (const auto* edit = std::get_if<EditFile>(&step.action)) {
    json["diff"] = edit->diff;
    json["path"] = edit->path;
  } else if (const auto* run = std::get_if<RunCommand>(&step.action)) {
    json["argv"] = run->argv;
  } else if (const auto* write = std::get_if<WriteFile>(&step.action)) {
    json["path"] = write->path;
  } else if (const auto* remove = std::get_if<RemoveFile>(&step.action)) {
    json["path"] = remove->path;
  } else if (const auto* reload = std::get_if<Reload>(&step.action)) {
    json["argv"] = reload->reload_argv;
    json["test_argv"] = reload->test_argv;
  }
  return json;
}

void RenderFindings(const Report& report, std::ostream& out) {
  std::map<std::string, std::vector<const Finding*>> by_domain;
  for (const Finding& f : report.diagnosis.findings) by_domain[f.domain].push_back(&f);
  for (const auto& [domain, findings] : by_domain) {
    out << (domain.empty() ? "this host" : domain) << ":\n";
    for (const Finding* f : findings) {
      out << "  " << SeverityName(f->severity) << " " << CodeName(f->code) << (f->fixed ? " (fixed)" : "")
          << "\n";
      if (!f->evidence.empty()) out << "    evidence: " << f->evidence << "\n";
      if (!f->source.empty()) out << "    source:   " << f->source << "\n";
      if (!f->remedy.empty()) out << "    remedy:   " << f->remedy << "\n";
    }
  }
}

void RenderPlan(const Report& report, std::ostream& out) {
  if (report.plan.empty()) return;
  out << (report.dry_run ? "plan (dry run, nothing changed):\n" : report.applied ? "applied:\n" : "plan:\n");
  for (std::size_t i = 0; i < report.plan.steps.size(); ++i) {
    const Step& step = report.plan.steps[i];
    out << "  " << i + 1 << ". [" << StepKind(step.action) << "] " << step.description << "\n";
    std::istringstream detail(StepDetail(step.action));
    for (std::string line; std::getline(detail, line);) out << "       " << line << "\n";
  }
}

void RenderChecks(const Report& report, std::ostream& out) {
  if (report.checks.empty()) return;
  out << "checks:\n";
  for (const CheckResult& c : report.checks) {
    out << "  " << (c.ok() ? "ok   " : c.no_address ? "n/a  " : "FAIL ") << c.family << " " << c.url;
    for (const std::string& hop : c.redirects) out << " -> " << hop;  // each redirect followed
    if (c.status) out << " -> " << c.status;
    if (c.error) out << " (" << *c.error << ")";
    out << "  [" << c.vantage << "]\n";
  }
}

}  // namespace

Report NewReport(std::string command, Target target) {
  Report report;
  report.command = std::move(command);
  report.run_id = NewRunId();
  report.target = std::move(target);
  return report;
}

nlohmann::json ReportToJson(const Report& report) {
  nlohmann::json json;
  json["verdict"] = report.ready ? "ready" : "not_ready";
  json["run_id"] = report.run_id;
  json["command"] = report.command;
  json["method"] = MethodName(report.target.method);
  json["ca"] = report.target.ca;
  if (report.target.method != Method::kDns) {
    json["ca_rules"] = CaRulesJson(CaProfileFor(report.target.ca), report.target.method == Method::kAcmeHttp);
  }
  json["domains"] = report.target.domains;
  json["dry_run"] = report.dry_run;
  json["applied"] = report.applied;
  json["findings"] = nlohmann::json::array();
  for (const Finding& f : report.diagnosis.findings) json["findings"].push_back(FindingToJson(f));
  json["predictions"] = nlohmann::json::array();
  for (const Prediction& p : report.diagnosis.predictions) json["predictions"].push_back(PredictionToJson(p));
  json["plan"] = nlohmann::json::array();
  for (const Step& step : report.plan.steps) json["plan"].push_back(StepToJson(step));
  json["checks"] = nlohmann::json::array();
  for (const CheckResult& c : report.checks) json["checks"].push_back(CheckResultToJson(c));
  json["errors"] = report.errors;
  return json;
}

std::string RenderText(const Report& report, bool quiet) {
  std::ostringstream out;
  if (!quiet) {
    RenderFindings(report, out);
    RenderPlan(report, out);
    RenderChecks(report, out);
    for (const std::string& error : report.errors) out << "error: " << error << "\n";
  }
  out << (report.ready ? "READY" : "NOT READY") << ": " << report.command;
  std::size_t errors = 0;
  for (const Finding& f : report.diagnosis.findings) errors += f.severity == Severity::kError && !f.fixed;
  if (!report.ready) out << ", " << errors << " finding(s) stand in the way";
  if (!report.run_id.empty() && report.applied) out << " (run " << report.run_id << ")";
  out << "\n";
  return out.str();
}

void PrintReport(const Report& report, bool json, bool quiet) {
  if (json) std::cout << ReportToJson(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
  else std::cout << RenderText(report, quiet) << std::flush;
}

}  // namespace dcv
