// Rollback from the journal. Undo records are replayed newest first; service reloads are
// collected and run last, after every file is back, because a reload undone in step order
// would load a half-restored configuration. Commands whose undo must find what the change
// created (an nft rule handle) run their lookup first; no match means nothing to undo. A
// command's plain undo runs when the command was started ("started" record), finished or not.
#include <regex>
#include <set>

#include <spdlog/spdlog.h>

#include "agent/core/executor.h"
#include "platform/atomic_file.h"

namespace dcv {
namespace {

struct PendingReload {
  Argv test;
  Argv reload;
};

Result<void> RunOrError(ProcessRunner& runner, const Argv& argv, std::string* out = nullptr) {
  ProcessResult result = runner.Run(argv);
  if (out) *out = result.out;
  if (result.ok()) return {};
  return MakeError(FormatArgv(argv) + ": " + (result.err.empty() ? "failed" : result.err));
}

Result<void> UndoRun(const nlohmann::json& action, const UndoRecord& record, ProcessRunner& runner) {
  Argv argv = action.at("argv").get<Argv>();
  if (action.at("lookup").is_null()) {
    // A command never launched changed nothing: undoing it could remove something that was
    // there before us. A command launched but not finished (it failed, or we were killed)
    // may have made its change, or part of it: its undo runs, and since the change may as
    // well not have happened, an undo that fails ("no such rule") is a warning, not a failure.
    if (record.done) return RunOrError(runner, argv);
    if (!record.started) return {};
    if (Result<void> undone = RunOrError(runner, argv); !undone) {
      spdlog::warn("step {} did not finish; its undo failed (it may have changed nothing): {}", record.step_id,
                   undone.error().message);
    }
    return {};
  }
  std::string listing;
  if (auto looked = RunOrError(runner, action.at("lookup").get<Argv>(), &listing); !looked) return looked;
  std::smatch match;
  const std::string pattern = action.value("pattern", "");
  if (!std::regex_search(listing, match, std::regex(pattern))) return {};  // nothing to undo
  for (std::string& arg : argv) {
    for (std::size_t g = 1; g < match.size(); ++g) {
      const std::string placeholder = "{" + std::to_string(g) + "}";
      for (std::size_t at = arg.find(placeholder); at != std::string::npos; at = arg.find(placeholder)) {
        arg.replace(at, placeholder.size(), match[g].str());
      }
    }
  }
  return RunOrError(runner, argv);
}

// A file already as it was (its step failed before writing it, or an earlier recovery put it
// back) is left alone: nothing is written, so a read-only or full file system, which may be
// why the step failed, does not also make the rollback fail.
Result<void> UndoRestore(const nlohmann::json& action, const std::string& run_id, Journal& journal) {
  const std::string path = action.at("path");
  Result<FileSnapshot> now = ReadSnapshot(path);
  if (action.at("backup").is_null()) {
    if (now && !now->exists) return {};
    return UnlinkFile(path);
  }
  Result<std::string> content = journal.ReadBackup(run_id, action.at("backup"));
  if (!content) return content.error();
  const auto mode = action.at("mode").get<mode_t>();
  const auto uid = action.at("uid").get<uid_t>();
  const auto gid = action.at("gid").get<gid_t>();
  if (now && now->exists && now->content == *content && now->mode == mode && now->uid == uid && now->gid == gid) {
    return {};
  }
  return WriteFileAtomic(path, *content, mode, uid, gid);
}

}  // namespace

Result<void> RollBackRun(const std::string& run_id, Journal& journal, ProcessRunner& runner) {
  Result<std::vector<UndoRecord>> records = journal.ReadUndo(run_id);
  if (!records) return records.error();
  std::vector<std::string> failures;
  std::vector<PendingReload> reloads;
  for (auto record = records->rbegin(); record != records->rend(); ++record) {
    const nlohmann::json& actions = record->undo;
    for (auto it = actions.rbegin(); it != actions.rend(); ++it) {
      const std::string kind = it->value("action", "");
      Result<void> undone;
      if (kind == "restore_file") {
        undone = UndoRestore(*it, run_id, journal);
      } else if (kind == "remove_dirs") {
        const auto dirs = it->at("dirs").get<std::vector<std::string>>();
        for (auto dir = dirs.rbegin(); dir != dirs.rend(); ++dir) RemoveDirectoryIfEmpty(*dir);
      } else if (kind == "run") {
        undone = UndoRun(*it, *record, runner);
      } else if (kind == "reload") {
        reloads.push_back({it->at("test").get<Argv>(), it->at("reload").get<Argv>()});
      }
      if (!undone) failures.push_back(record->step_id + ": " + undone.error().message);
    }
  }
  std::set<Argv> reloaded;
  for (const PendingReload& reload : reloads) {
    if (!reloaded.insert(reload.reload).second) continue;
    Result<void> tested = RunOrError(runner, reload.test);
    Result<void> done = tested ? RunOrError(runner, reload.reload) : tested;
    if (!done) failures.push_back("reload: " + done.error().message);
  }
  if (!failures.empty()) {
    std::string message = "rollback of run " + run_id + " incomplete:";
    for (const std::string& failure : failures) message += "\n  " + failure;
    return MakeError(message);
  }
  spdlog::info("run {} rolled back", run_id);
  return journal.MarkRolledBack(run_id);
}

}  // namespace dcv
