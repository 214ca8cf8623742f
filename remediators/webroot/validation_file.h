// The validation file itself: checks the token name and content the CA gave, and plans
// writing the file under a document root (mode 0644, parents created, symlinked
// directories refused), and removing it at cleanup.
#pragma once

#include <string>
#include <string_view>

#include "agent/core/plan.h"
#include "agent/core/result.h"
#include "agent/core/target.h"

namespace dcv {

/// The directory the agent serves validation files from when a web server's own
/// document root cannot be used (the location block the nginx remediator adds points here).
inline constexpr const char* kAgentWebroot = "/var/www/dcv-agent";

inline constexpr std::size_t kMaxContentBytes = 64 * 1024;

/// Token names: [A-Za-z0-9._-]{1,255}, not "." or "..". Error text names the input.
Result<void> ValidateTokenName(const std::string& token);
/// Content: at most kMaxContentBytes, no NUL bytes.
Result<void> ValidateContent(const std::string& content);

/// Full path of the file under `docroot` for the target:
/// docroot + target.UrlPath() (e.g. /var/www/html/.well-known/pki-validation/x.txt).
std::string ValidationFilePath(const std::string& docroot, const Target& target);

/// A WriteFile step for the file under `docroot`, content followed by a newline unless it
/// ends with one. Refuses (Error) when a directory on the way is a symlink.
Result<Step> PlanValidationFile(const std::string& docroot, const Target& target);

/// Equal after trimming trailing whitespace, as every CA compares a body with its value.
bool SameValidationContent(std::string_view a, std::string_view b);

/// True if the file under `docroot` exists and its content matches after trimming
/// trailing whitespace (as the CA compares).
bool ValidationFileMatches(const std::string& docroot, const Target& target);
/// The same for the file at `path` (a file an alias or a regex location serves).
bool FileHoldsContent(const std::string& path, const Target& target);

/// Appends PlanValidationFile's step unless the file under `docroot` already matches.
Result<void> AppendValidationFileIfNeeded(const std::string& docroot, const Target& target, Plan& plan);

/// Appends a guarded RemoveFile step (id `step_id`, for `remediator`) for the file under
/// `docroot` when it exists: cleanup after issuance. The guard leaves a file that holds
/// other content than the agent wrote.
void AppendValidationFileRemoval(const std::string& docroot, const Target& target,
                                 const std::string& step_id, const std::string& remediator, Plan& plan);

}  // namespace dcv
