// What `fix` wrote, read back from the journal, so that `cleanup` without --content can
// still remove the validation file safely. The WriteFile step of the validation file is
// journaled with the id "webroot.file:sha256=<hex of the bytes written>" and an undo record
// naming the path; cleanup takes the file's current bytes as the expected content only
// when their SHA-256 is the one the newest committed, not rolled back fix run recorded.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/core/journal.h"
#include "agent/core/plan.h"

namespace dcv {

/// The step id of the WriteFile step that writes `content` (see PlanValidationFile).
std::string ValidationFileStepId(const std::string& content);

/// The validation file a fix run wrote.
struct FixRecord {
  std::string run_id;
  std::string sha256;  // of the bytes written
};

/// The newest committed, not rolled back `fix` run whose WriteFile step at `path` completed,
/// or nullopt when there is none.
std::optional<FixRecord> LastFixThatWrote(const Journal& journal, const std::string& path);

/// Settles what each RemoveFile step in a cleanup `plan` may remove. With --content
/// (`content_given`) a file must hold exactly what fix writes for it; without, the content
/// is the one the journal says fix wrote at that path (`journal` may be null when there
/// is none). A file that does not qualify is taken out of the plan and named in `errors`:
/// it is left, never silently.
void SettleRemovals(const Journal* journal, bool content_given, Plan& plan,
                    std::vector<std::string>& errors);

}  // namespace dcv
