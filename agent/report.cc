// The JSON rendering of a Report and the printing of either form. The JSON keeps the stable
// core from DESIGN.md (verdict, run_id, findings, predictions, plan, checks) and adds fields
// freely; it never depends on the language or colours of the text, which report_text.cc
// renders.
#include "agent/report.h"

#include <iostream>

#include "agent/core/journal.h"
#include "agent/verify/check_json.h"
#include "agent/verify/ca_profile.h"

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
  nlohmann::json json = {{"code", CodeName(f.code)}, {"severity", SeverityName(f.severity)}, {"domain", f.domain},
                         {"url", f.url}, {"evidence", f.evidence}, {"remedy", f.remedy}, {"source", f.source},
                         {"fixable", f.fixable}, {"fixed", f.fixed}};
  if (f.ip_version != 0) json["ip_version"] = f.ip_version;
  if (f.port != 0) json["port"] = f.port;
  return json;
}

nlohmann::json PredictionToJson(const Prediction& p) {
  return {{"url", p.url}, {"family", p.family}, {"status", p.status},
          {"location", p.location.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.location)},
          {"serves", p.serves}, {"source", p.source}, {"server_block", p.server_block}};
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

namespace {
TextStyle& CurrentTextStyle() {
  static TextStyle style;
  return style;
}
}  // namespace

void SetTextStyle(const TextStyle& style) { CurrentTextStyle() = style; }

void PrintReport(const Report& report, bool json, bool quiet) {
  if (json) std::cout << ReportToJson(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
  else std::cout << RenderText(report, quiet, CurrentTextStyle()) << std::flush;
}

}  // namespace dcv
