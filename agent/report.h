// The report of one run: findings, predictions, the plan and the checks, rendered as
// text for people (stdout) or as one JSON document (--json) whose schema is
// agent/report_schema.json. Logs never go to stdout.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/core/diagnosis.h"
#include "agent/core/plan.h"
#include "agent/core/target.h"
#include "agent/verify/check_result.h"

namespace dcv {

struct Report {
  std::string command;              // "check" | "fix" | "verify" | "cleanup"
  std::string run_id;
  Target target;
  Diagnosis diagnosis;
  Plan plan;
  bool dry_run = false;
  bool applied = false;             // the plan was carried out
  std::vector<CheckResult> checks;
  std::vector<std::string> errors;  // refusals and failures, in words
  bool ready = false;
};

/// An empty report for `command` with a fresh run id.
Report NewReport(std::string command, Target target);

nlohmann::json ReportToJson(const Report& report);
/// Findings grouped by domain, the plan with its diffs, the checks, and the verdict last.
/// `quiet`: the verdict line only.
std::string RenderText(const Report& report, bool quiet);

/// Prints the report on stdout as JSON or text.
void PrintReport(const Report& report, bool json, bool quiet);

}  // namespace dcv
