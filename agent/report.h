// The report of one run: findings, predictions, the plan and the checks, rendered as
// text for people (stdout) or as one JSON document (--json) whose schema is
// agent/report_schema.json. Logs never go to stdout. The text is in the language and
// with the colours of a TextStyle (agent/report_text.cc); the JSON never depends on them.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/core/diagnosis.h"
#include "agent/core/plan.h"
#include "agent/core/target.h"
#include "agent/messages.h"
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

/// How the text report looks: its language and whether it carries ANSI colours.
struct TextStyle {
  Lang lang = Lang::kEn;
  bool color = false;
};

/// Findings grouped by domain (what is wrong, the evidence, its file:line, the remedy),
/// the plan with its diffs, the checks, and a one-line verdict last.
/// `quiet`: the verdict line only.
std::string RenderText(const Report& report, bool quiet, const TextStyle& style = {});
/// The verdict line alone (without its newline).
std::string VerdictLine(const Report& report, const TextStyle& style = {});

/// The style PrintReport uses for text, set once per run from --lang/--color, the
/// configuration file and the environment (ConfigureLogging does it). Like the log level,
/// it is a setting of the process, so the commands need not pass it to every report.
void SetTextStyle(const TextStyle& style);

/// Prints the report on stdout as JSON or text.
void PrintReport(const Report& report, bool json, bool quiet);

}  // namespace dcv
