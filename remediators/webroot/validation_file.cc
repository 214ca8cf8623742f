// The validation file. Token names and content come from the CA (through the command
// line), so they are checked before anything is planned: a name that could leave the
// well-known directory, or content that could not be a CA's random value, is bad input.
// Writing is planned as a WriteFile step; the executor re-checks for symlinks when it runs.
#include "remediators/webroot/validation_file.h"

#include <algorithm>
#include <filesystem>

#include "platform/atomic_file.h"
#include "remediators/webroot/fix_record.h"

namespace dcv {
namespace {

std::string TrimTrailingWhitespace(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r' || text.back() == '\v' || text.back() == '\f')) {
    text.pop_back();
  }
  return text;
}

std::string FileContent(const Target& target) {
  std::string content = target.content;
  if (content.empty() || content.back() != '\n') content += '\n';
  return content;
}

}  // namespace

Result<void> ValidateTokenName(const std::string& token) {
  const bool allowed = std::all_of(token.begin(), token.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
  });
  if (token.empty() || token.size() > 255 || !allowed || token == "." || token == "..") {
    // A control or non-ASCII byte is not echoed: it could rewrite the user's terminal line.
    const bool printable = std::all_of(token.begin(), token.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
    const std::string shown = printable ? "'" + token.substr(0, 80) + (token.size() > 80 ? "...'" : "'")
                                        : "(with a control or non-ASCII byte)";
    return MakeError("invalid --token " + shown + ": a file name of 1-255 characters from [A-Za-z0-9._-], not '.' or '..'");
  }
  return {};
}

Result<void> ValidateContent(const std::string& content) {
  if (content.size() > kMaxContentBytes) {
    return MakeError("validation content is " + std::to_string(content.size()) +
                     " bytes; at most " + std::to_string(kMaxContentBytes) + " are accepted");
  }
  if (content.find('\0') != std::string::npos) return MakeError("validation content contains a NUL byte");
  if (TrimTrailingWhitespace(content).empty()) return MakeError("validation content is empty");
  return {};
}

std::string ValidationFilePath(const std::string& docroot, const Target& target) {
  std::string root = docroot;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root + target.UrlPath();
}

Result<Step> PlanValidationFile(const std::string& docroot, const Target& target) {
  const std::string path = ValidationFilePath(docroot, target);
  if (HasSymlinkComponent(path)) {
    return MakeError(path + ": a directory on the way is a symlink; refusing to write through it");
  }
  Step step;
  step.id = ValidationFileStepId(FileContent(target));
  step.remediator = "webroot";
  step.description = "write the validation file " + path;
  step.action = WriteFile{path, FileContent(target), 0644, true};
  return step;
}

bool ValidationFileMatches(const std::string& docroot, const Target& target) {
  return FileHoldsContent(ValidationFilePath(docroot, target), target);
}

bool SameValidationContent(std::string_view a, std::string_view b) {
  return TrimTrailingWhitespace(std::string(a)) == TrimTrailingWhitespace(std::string(b));
}

bool FileHoldsContent(const std::string& path, const Target& target) {
  Result<FileSnapshot> snap = ReadSnapshot(path, kMaxContentBytes + 4096);
  return snap && snap->exists && SameValidationContent(snap->content, target.content);
}

Result<void> AppendValidationFileIfNeeded(const std::string& docroot, const Target& target, Plan& plan) {
  if (ValidationFileMatches(docroot, target)) return {};
  Result<Step> file = PlanValidationFile(docroot, target);
  if (!file) return file.error();
  plan.steps.push_back(std::move(*file));
  return {};
}

void AppendValidationFileRemoval(const std::string& docroot, const Target& target,
                                 const std::string& step_id, const std::string& remediator, Plan& plan) {
  const std::string path = ValidationFilePath(docroot, target);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;
  plan.steps.push_back(Step{step_id, remediator, "remove " + path, RemoveFile{path, FileContent(target)}});
}

}  // namespace dcv
