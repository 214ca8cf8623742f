// Reading back the validation files that `fix` wrote. The journal format is unchanged: the
// content's SHA-256 travels in the WriteFile step's id, the path in its undo record
// (restore_file), and the run's state (committed, rolled back) in its own records.
#include "remediators/webroot/fix_record.h"

#include "agent/verify/probe_auth.h"
#include "platform/atomic_file.h"
#include "remediators/webroot/validation_file.h"

namespace dcv {
namespace {

constexpr std::string_view kStepPrefix = "webroot.file:sha256=";

/// True if the undo of a step restores `path` (the step wrote it).
bool Restores(const nlohmann::json& undo, const std::string& path) {
  if (!undo.is_array()) return false;
  for (const nlohmann::json& action : undo) {
    if (action.value("action", "") == "restore_file" && action.value("path", "") == path) return true;
  }
  return false;
}

std::optional<std::string> WrittenHash(const Journal& journal, const std::string& run_id,
                                       const std::string& path) {
  Result<std::vector<UndoRecord>> records = journal.ReadUndo(run_id);
  if (!records) return std::nullopt;
  for (const UndoRecord& r : *records) {
    if (r.done && r.step_id.rfind(kStepPrefix, 0) == 0 && Restores(r.undo, path)) {
      return r.step_id.substr(kStepPrefix.size());
    }
  }
  return std::nullopt;
}

}  // namespace

std::string ValidationFileStepId(const std::string& content) {
  return std::string(kStepPrefix) + Sha256Hex(content);
}

std::optional<FixRecord> LastFixThatWrote(const Journal& journal, const std::string& path) {
  std::vector<RunInfo> runs = journal.ListRuns();
  for (auto run = runs.rbegin(); run != runs.rend(); ++run) {
    if (run->command != "fix" || run->state != RunState::kCommitted) continue;
    if (std::optional<std::string> hash = WrittenHash(journal, run->id, path)) {
      return FixRecord{run->id, *hash};
    }
  }
  return std::nullopt;
}

void SettleRemovals(const Journal* journal, bool content_given, Plan& plan,
                    std::vector<std::string>& errors) {
  std::vector<Step> kept;
  for (Step& step : plan.steps) {
    auto* remove = std::get_if<RemoveFile>(&step.action);
    Result<FileSnapshot> now =
        remove ? ReadSnapshot(remove->path, kMaxContentBytes + 4096) : Result<FileSnapshot>(FileSnapshot{});
    if (remove == nullptr || !now || !now->exists) {
      kept.push_back(std::move(step));  // gone already: the executor records nothing to undo
      continue;
    }
    std::optional<FixRecord> record;
    if (!content_given) record = journal ? LastFixThatWrote(*journal, remove->path) : std::nullopt;
    if (!content_given && !record) {
      errors.push_back("the validation file " + remove->path +
                       " is left: pass --content to remove it (no committed fix run wrote it)");
    } else if (!content_given && Sha256Hex(now->content) != record->sha256) {
      errors.push_back("the validation file " + remove->path +
                       " is left: it holds other content than fix run " + record->run_id +
                       " wrote; pass --content to remove it");
    } else if (content_given && remove->expected_content &&
               !SameValidationContent(now->content, *remove->expected_content)) {
      errors.push_back("the validation file " + remove->path + " is left: it holds other content than --content");
    } else {
      remove->expected_content = now->content;  // it qualified: remove exactly these bytes, no others
      kept.push_back(std::move(step));
    }
  }
  plan.steps = std::move(kept);
}

}  // namespace dcv
