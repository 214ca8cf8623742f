// The journaled executor. For each step it (1) records in the journal how to undo it,
// with a backup of every file it will touch, fsynced, (2) does it, (3) records "done".
// Any failure rolls the run back from the journal, the same code path `dcv-agent
// rollback` uses, so the automatic and the manual rollback cannot disagree.
#include "agent/core/executor.h"

#include <sys/stat.h>

#include <filesystem>

#include <spdlog/spdlog.h>

#include "agent/core/fault_point.h"
#include "platform/atomic_file.h"

namespace dcv {
namespace fs = std::filesystem;
namespace {

nlohmann::json RestoreRecord(const std::string& path, const std::optional<std::string>& backup,
                             const FileSnapshot& before) {
  return {{"action", "restore_file"},
          {"path", path},
          {"backup", backup ? nlohmann::json(*backup) : nlohmann::json(nullptr)},
          {"mode", before.mode},
          {"uid", before.uid},
          {"gid", before.gid}};
}

// The directories of `dir` that do not exist yet, outermost first.
std::vector<std::string> MissingDirectories(const std::string& dir) {
  std::vector<std::string> missing;
  fs::path partial;
  for (const auto& part : fs::path(dir)) {
    partial /= part;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(partial, ec))) missing.push_back(partial.string());
  }
  return missing;
}

}  // namespace

Result<void> JournaledExecutor::Apply(const Plan& plan) {
  if (plan.empty()) return {};
  if (auto begun = journal_.Begin(run_id_, command_); !begun) return begun;
  // Any failure, a step's or the journal's own (disk full: a step done but its "done" or the
  // "commit" record not written), rolls back everything: the host is left as it was.
  auto roll_back = [&](const std::string& what, const Error& error) -> Result<void> {
    std::string message = what + " failed: " + error.message;
    spdlog::error("{}; rolling back", message);
    Result<void> rolled = RollBackRun(run_id_, journal_, runner_);
    message += rolled ? "; every change was rolled back" : "; ROLLBACK INCOMPLETE: " + rolled.error().message;
    return MakeError(message);
  };
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& step = plan.steps[i];
    spdlog::info("step {}/{}: {}", i + 1, plan.steps.size(), step.description);
    FaultPointReached(FaultPoint::kBeforeJournal, i);  // test-only (DCV_AGENT_FAULT), see fault_point.h
    Result<void> applied = ApplyStep(i, step);
    if (applied) {
      FaultPointReached(FaultPoint::kAfter, i);
      applied = journal_.Append({{"type", "done"}, {"index", i}});
      if (applied) FaultPointReached(FaultPoint::kAfterDone, i);
    }
    if (!applied) return roll_back("step " + step.id, applied.error());
  }
  if (Result<void> committed = journal_.Commit(); !committed) return roll_back("commit", committed.error());
  return {};
}

Result<void> JournaledExecutor::ApplyStep(std::size_t index, const Step& step) {
  return std::visit(
      [&](const auto& action) -> Result<void> {
        using T = std::decay_t<decltype(action)>;
        if constexpr (std::is_same_v<T, WriteFile>) return ApplyWrite(index, step, action);
        if constexpr (std::is_same_v<T, EditFile>) return ApplyEdit(index, step, action);
        if constexpr (std::is_same_v<T, RemoveFile>) return ApplyRemove(index, step, action);
        if constexpr (std::is_same_v<T, RunCommand>) return ApplyRun(index, step, action);
        if constexpr (std::is_same_v<T, Reload>) return ApplyReload(index, step, action);
      },
      step.action);
}

Result<void> JournaledExecutor::Announce(std::size_t index, const Step& step, const nlohmann::json& undo) {
  Result<void> announced = journal_.Append({{"type", "step"}, {"index", index}, {"id", step.id},
                                            {"kind", StepKind(step.action)}, {"undo", undo}});
  // Every Apply* does its change right after Announce: this is "journaled, not yet done".
  if (announced) FaultPointReached(FaultPoint::kBefore, index);
  return announced;
}

Result<void> JournaledExecutor::ApplyWrite(std::size_t index, const Step& step, const WriteFile& write) {
  const std::string dir = fs::path(write.path).parent_path().string();
  if (HasSymlinkComponent(dir)) return MakeError(dir + " contains a symlink; refusing to write there");
  Result<FileSnapshot> before = ReadSnapshot(write.path);
  if (!before) return before.error();
  std::optional<std::string> backup;
  if (before->exists) {
    Result<std::string> saved = journal_.SaveBackup(index, before->content);
    if (!saved) return saved.error();
    backup = *saved;
  }
  nlohmann::json undo = nlohmann::json::array();
  if (write.create_parents) undo.push_back({{"action", "remove_dirs"}, {"dirs", MissingDirectories(dir)}});
  undo.push_back(RestoreRecord(write.path, backup, *before));
  if (auto announced = Announce(index, step, undo); !announced) return announced;
  if (write.create_parents) {
    if (auto made = CreateDirectories(dir); !made) return made.error();
  }
  const uid_t uid = before->exists ? before->uid : 0;
  const gid_t gid = before->exists ? before->gid : 0;
  return WriteFileAtomic(write.path, write.content, write.mode, uid, gid);
}

Result<void> JournaledExecutor::ApplyEdit(std::size_t index, const Step& step, const EditFile& edit) {
  std::error_code ec;
  const std::string path = fs::canonical(edit.path, ec).string();  // edit through symlinks
  if (ec) return MakeError("cannot resolve " + edit.path + ": " + ec.message());
  Result<FileSnapshot> before = ReadSnapshot(path);
  if (!before) return before.error();
  if (!before->exists || before->content != edit.expected_before) {
    return MakeError(edit.path + " changed since it was read; run the command again");
  }
  Result<std::string> saved = journal_.SaveBackup(index, before->content);
  if (!saved) return saved.error();
  if (auto announced = Announce(index, step, nlohmann::json::array({RestoreRecord(path, *saved, *before)})); !announced) {
    return announced;
  }
  return WriteFileAtomic(path, edit.content, before->mode, before->uid, before->gid);
}

Result<void> JournaledExecutor::ApplyRemove(std::size_t index, const Step& step, const RemoveFile& remove) {
  Result<FileSnapshot> before = ReadSnapshot(remove.path);
  if (!before) return before.error();
  if (!before->exists) return Announce(index, step, nlohmann::json::array());
  if (remove.expected_content && before->content != *remove.expected_content) {
    spdlog::warn("{} holds other content than the agent wrote; leaving it", remove.path);
    return Announce(index, step, nlohmann::json::array());
  }
  Result<std::string> saved = journal_.SaveBackup(index, before->content);
  if (!saved) return saved.error();
  if (auto announced = Announce(index, step, nlohmann::json::array({RestoreRecord(remove.path, *saved, *before)})); !announced) {
    return announced;
  }
  return UnlinkFile(remove.path);
}

Result<void> JournaledExecutor::ApplyRun(std::size_t index, const Step& step, const RunCommand& run) {
  nlohmann::json undo = nlohmann::json::array();
  for (std::size_t part = 0; part < run.touches.size(); ++part) {  // replayed after the undo command
    const std::string& path = run.touches[part];
    Result<FileSnapshot> before = ReadSnapshot(path);
    if (!before) return before.error();
    std::optional<std::string> backup;
    if (before->exists) {
      Result<std::string> saved = journal_.SaveBackup(index, before->content, part + 1);
      if (!saved) return saved.error();
      backup = *saved;
    }
    undo.push_back(RestoreRecord(path, backup, *before));
  }
  if (run.undo) {
    undo.push_back({{"action", "run"},
                    {"argv", run.undo->argv},
                    {"lookup", run.undo->lookup ? nlohmann::json(*run.undo->lookup) : nlohmann::json(nullptr)},
                    {"pattern", run.undo->pattern}});
  }
  if (auto announced = Announce(index, step, undo); !announced) return announced;
  // From here on the command may change something even if it then fails or we are killed:
  // rollback runs the undo of a started step whether or not it finished.
  if (auto started = journal_.Append({{"type", "started"}, {"index", index}}); !started) return started;
  return RunChecked(run.argv);
}

Result<void> JournaledExecutor::ApplyReload(std::size_t index, const Step& step, const Reload& reload) {
  nlohmann::json undo = nlohmann::json::array();
  undo.push_back({{"action", "reload"}, {"service", reload.service},
                  {"test", reload.test_argv}, {"reload", reload.reload_argv}});
  if (auto announced = Announce(index, step, undo); !announced) return announced;
  if (auto tested = RunChecked(reload.test_argv); !tested) {
    return MakeError(reload.service + " configuration test failed: " + tested.error().message);
  }
  return RunChecked(reload.reload_argv);
}

Result<void> JournaledExecutor::RunChecked(const Argv& argv) {
  ProcessResult result = runner_.Run(argv);
  if (result.ok()) return {};
  std::string why = !result.started ? "could not start" :
                    result.timed_out ? "timed out" : "exit status " + std::to_string(result.exit_status);
  std::string detail = result.err.empty() ? result.out : result.err;
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  return MakeError(FormatArgv(argv) + ": " + why + (detail.empty() ? "" : ": " + detail));
}

}  // namespace dcv
