// Plan: the ordered steps that fix the findings, as data. Remediators build plans from
// facts alone; only an Executor (agent/core/executor.h) carries them out, and every step
// says how it is undone so that the journal can roll back exactly.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace dcv {

using Argv = std::vector<std::string>;

/// How a RunCommand is undone. With `lookup` set, the undo first runs `lookup`, searches
/// its stdout for `pattern` (ECMAScript regex), and substitutes capture groups into `argv`
/// as {1}, {2}, ...; no match means there is nothing to undo (the change is not there).
/// This lets an undo find what the change created (an nft rule handle) at rollback time,
/// even after a crash between the change and its journal record.
struct UndoCommand {
  Argv argv;
  std::optional<Argv> lookup;
  std::string pattern;
};

/// Run a command (argv, never a shell).
struct RunCommand {
  Argv argv;
  std::optional<UndoCommand> undo;  // nullopt: the command changes nothing (a check)
  /// Files the command (and its undo) may create or rewrite besides its own state, e.g.
  /// firewalld's zones/Z.xml and the Z.xml.old it leaves beside it. The executor backs
  /// them up first; rollback runs the undo, then puts their bytes back (or removes them).
  std::vector<std::string> touches = {};
};

/// Create or replace a whole file (atomically). Undo restores the previous bytes, mode and
/// owner, or removes the file (and the directories the step created) if it did not exist.
struct WriteFile {
  std::string path;
  std::string content;
  mode_t mode = 0644;
  bool create_parents = true;  // create missing parent directories (0755), journaled
};

/// Replace an existing file's content with an edited version (atomically, owner and mode
/// kept). `expected_before` guards against a file that changed since it was read.
struct EditFile {
  std::string path;
  std::string expected_before;
  std::string content;
  std::string diff;  // unified diff shown in plans and dry runs
};

/// Remove a file the agent (or the CA's instructions) put there. Guarded: when
/// `expected_content` is set and the file holds something else, it is left alone. Undo
/// restores it.
struct RemoveFile {
  std::string path;
  std::optional<std::string> expected_content;
};

/// Test a service's configuration, then reload it. On rollback the executor runs the
/// test and reload again after the files are restored.
struct Reload {
  std::string service;  // "nginx"
  Argv test_argv;       // {"nginx", "-t"}
  Argv reload_argv;     // {"nginx", "-s", "reload"}
};

using StepAction = std::variant<RunCommand, WriteFile, EditFile, RemoveFile, Reload>;

struct Step {
  std::string id;           // stable within a plan: "nftables.accept.inet-filter-input"
  std::string remediator;   // "firewall.nftables"
  std::string description;  // one line for people
  StepAction action;
};

/// "run" | "write" | "edit" | "remove" | "reload" (the JSON `kind`).
const char* StepKind(const StepAction& action);

struct Plan {
  std::vector<Step> steps;
  bool empty() const { return steps.empty(); }
};

}  // namespace dcv
