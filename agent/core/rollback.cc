// Rollback from the journal. Undo records are replayed newest first; service reloads are
// collected and run last, after every file is back, because a reload undone in step order
// would load a half-restored configuration. Commands whose undo must find what the change
// created (an nft rule handle) run their lookup first; no match means nothing to undo.
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

Result<void> UndoRun(const nlohmann::json& action, bool step_done, ProcessRunner& runner) {
  Argv argv = action.at("argv").get<Argv>();
  if (action.at("lookup").is_null()) {
    // A step that never finished may not have changed anything: undoing it blindly could
    // remove something that was there before us.
    if (!step_done) return {};
    return RunOrError(runner, argv);
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

Result<void> UndoRestore(const nlohmann::json& action, const std::string& run_id, Journal& journal) {
  const std::string path = action.at("path");
  if (action.at("backup").is_null()) return UnlinkFile(path);
  Result<std::string> content = journal.ReadBackup(run_id, action.at("backup"));
  if (!content) return content.error();
  return WriteFileAtomic(path, *content, action.at("mode").get<mode_t>(), action.at("uid").get<uid_t>(),
                         action.at("gid").get<gid_t>());
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
        undone = UndoRun(*it, record->done, runner);
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
