// The journal: one directory per run under the state directory (/var/lib/dcv-agent/runs/
// <run id>/) holding journal.jsonl (append-only records, each fsynced before the change it
// describes) and backups/ (the previous bytes of every file the run touches). Rollback
// replays the undo records in reverse; a run with no "commit" or "rolled_back" record was
// interrupted and must be recovered before anything else changes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/core/result.h"

namespace dcv {

inline constexpr const char* kDefaultStateDir = "/var/lib/dcv-agent";

enum class RunState { kInProgress, kCommitted, kRolledBack };

struct RunInfo {
  std::string id;
  std::string command;   // "fix" | "cleanup"
  RunState state = RunState::kInProgress;
  std::string started;   // ISO 8601 UTC
};

/// Undo information recorded before a step runs.
struct UndoRecord {
  std::size_t index = 0;
  std::string step_id;
  bool done = false;        // the step completed (a "done" record follows it)
  bool started = false;     // its command was launched (a "started" record follows it)
  nlohmann::json undo;      // {"restore_file":..} | {"run":..} | {"reload":..}
};

class Journal {
 public:
  /// Opens (creating 0700 if needed) the state directory; takes an exclusive lock on
  /// <state>/lock for the life of the object (writing our pid into it), waiting at most
  /// `lock_timeout_s` seconds (negative: DefaultLockTimeout()). Gives up with "another
  /// dcv-agent run (pid N) holds <state>/lock; gave up after T s".
  static Result<Journal> Open(const std::string& state_dir, int lock_timeout_s = -1);
  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&&) = delete;
  ~Journal();

  /// Starts a run directory and writes its "begin" record.
  Result<void> Begin(const std::string& run_id, const std::string& command);
  /// Copies `content` into the run's backups and returns its relative path.
  /// `part` tells apart several files of one step (backups/<index>.<part>; 0: backups/<index>).
  Result<std::string> SaveBackup(std::size_t index, const std::string& content, std::size_t part = 0);
  /// Appends one record and fsyncs the journal.
  Result<void> Append(const nlohmann::json& record);
  Result<void> Commit();
  Result<void> MarkRolledBack(const std::string& run_id);

  std::vector<RunInfo> ListRuns() const;                   // oldest first
  std::optional<RunInfo> LastCommitted() const;
  std::vector<RunInfo> Unfinished() const;
  Result<std::vector<UndoRecord>> ReadUndo(const std::string& run_id) const;
  Result<std::string> ReadBackup(const std::string& run_id, const std::string& rel) const;

  const std::string& state_dir() const { return state_dir_; }
  const std::string& run_id() const { return run_id_; }

 private:
  Journal(std::string state_dir, int lock_fd) : state_dir_(std::move(state_dir)), lock_fd_(lock_fd) {}
  std::string RunDir(const std::string& run_id) const;
  Result<void> AppendTo(const std::string& run_id, const nlohmann::json& record);

  std::string state_dir_;
  int lock_fd_ = -1;
  std::string run_id_;
};

/// How long Journal::Open waits for the lock by default: 30 s, or what --lock-timeout set.
int DefaultLockTimeout();
void SetDefaultLockTimeout(int seconds);

/// "20261202T031700Z-3fa9c1": sortable by time, unique per run.
std::string NewRunId();

}  // namespace dcv
