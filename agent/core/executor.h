// Executors carry out a Plan. The journaled executor is the only code in the agent that
// changes the machine; the dry-run executor changes nothing. `fix --dry-run` swaps one for
// the other and nothing else in the agent knows the difference.
#pragma once

#include <string>

#include "agent/core/journal.h"
#include "agent/core/plan.h"
#include "agent/core/result.h"
#include "platform/process.h"

namespace dcv {

class Executor {
 public:
  virtual ~Executor() = default;
  /// Carries out every step in order. On failure everything already done is rolled back
  /// and the Error says which step failed and why (and whether the rollback succeeded).
  virtual Result<void> Apply(const Plan& plan) = 0;
  /// True when Apply changes the system.
  virtual bool changes_system() const = 0;
};

/// Changes nothing: the plan is rendered by the report as it is.
class DryRunExecutor : public Executor {
 public:
  Result<void> Apply(const Plan&) override { return {}; }
  bool changes_system() const override { return false; }
};

/// Journals each step's undo (fsynced) before doing it; rolls back on any failure.
class JournaledExecutor : public Executor {
 public:
  JournaledExecutor(ProcessRunner& runner, Journal& journal, std::string run_id, std::string command)
      : runner_(runner), journal_(journal), run_id_(std::move(run_id)), command_(std::move(command)) {}
  Result<void> Apply(const Plan& plan) override;
  bool changes_system() const override { return true; }

 private:
  Result<void> ApplyStep(std::size_t index, const Step& step);
  Result<void> ApplyWrite(std::size_t index, const Step& step, const WriteFile& write);
  Result<void> ApplyEdit(std::size_t index, const Step& step, const EditFile& edit);
  Result<void> ApplyRemove(std::size_t index, const Step& step, const RemoveFile& remove);
  Result<void> ApplyRun(std::size_t index, const Step& step, const RunCommand& run);
  Result<void> ApplyReload(std::size_t index, const Step& step, const Reload& reload);
  Result<void> Announce(std::size_t index, const Step& step, const nlohmann::json& undo);
  Result<void> RunChecked(const Argv& argv);

  ProcessRunner& runner_;
  Journal& journal_;
  std::string run_id_;
  std::string command_;
};

/// Undoes a run from its journal: file restores and commands in reverse order, then the
/// service reloads it recorded (config test first). Best effort: every undo is tried; the
/// Error lists those that failed. Marks the run rolled back when all succeeded.
Result<void> RollBackRun(const std::string& run_id, Journal& journal, ProcessRunner& runner);

}  // namespace dcv
