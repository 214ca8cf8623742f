// `dcv-agent rollback`: undoes a fix or cleanup run from its journal (--last: the newest
// committed run; --run ID; --recover: every interrupted run). Files come back byte for
// byte with their mode and owner; commands are undone by their recorded inverse.
#include <iostream>

#include <nlohmann/json.hpp>

#include "agent/cli_options.h"
#include "agent/commands.h"
#include "agent/core/executor.h"
#include "agent/core/journal.h"
#include "agent/recovery.h"
#include "agent/target_input.h"

namespace dcv {
namespace {

struct RollbackOptions {
  std::string run_id;
  bool last = false;
  bool recover = false;
  std::string state_dir = kDefaultStateDir;
};

int RunRollback(const RollbackOptions& options, const OutputOptions& output) {
  SystemProcessRunner runner;
  Result<Journal> journal = Journal::Open(options.state_dir);
  if (!journal) return ReportInternalError(journal.error());
  std::vector<std::string> runs;
  if (options.recover) {
    for (const RunInfo& run : journal->Unfinished()) runs.push_back(run.id);
  } else if (options.last) {
    if (std::optional<RunInfo> last = journal->LastCommitted()) runs.push_back(last->id);
  } else {
    runs.push_back(options.run_id);
  }
  nlohmann::json result = {{"rolled_back", nlohmann::json::array()}, {"errors", nlohmann::json::array()}};
  for (const std::string& id : runs) {
    if (Result<void> rolled = RollBackRun(id, *journal, runner); rolled) {
      result["rolled_back"].push_back(id);
    } else {
      result["errors"].push_back(rolled.error().message);
    }
  }
  const bool ok = result["errors"].empty();
  if (output.json) {
    std::cout << result.dump(2) << std::endl;
  } else if (!output.quiet) {
    if (runs.empty()) std::cout << (options.recover ? "no interrupted run\n" : "no run to roll back\n");
    for (const auto& id : result["rolled_back"]) std::cout << "rolled back run " << id.get<std::string>() << "\n";
    for (const auto& error : result["errors"]) std::cerr << "dcv-agent: " << error.get<std::string>() << "\n";
  }
  if (!ok) return kExitInternal;
  return runs.empty() && !options.recover ? kExitNotReady : kExitReady;
}

}  // namespace

void SetupRollbackCommand(CLI::App& app, CommandFn& run) {
  auto* command = app.add_subcommand("rollback", "Undo a fix or cleanup run from the journal");
  auto options = std::make_shared<RollbackOptions>();
  auto output = std::make_shared<OutputOptions>();
  auto* which = command->add_option_group("which run", "Exactly one of");
  which->add_option("--run", options->run_id, "The run id to undo");
  which->add_flag("--last", options->last, "Undo the newest committed run");
  which->add_flag("--recover", options->recover, "Undo every interrupted run");
  which->require_option(1);
  AddStateDirOption(*command, options->state_dir);
  AddLockTimeoutOption(*command);
  AddOutputOptions(*command, *output);
  command->callback([&run, options, output] {
    run = [options, output] {
      ConfigureLogging(*output);
      return RunRollback(*options, *output);
    };
  });
}

}  // namespace dcv
