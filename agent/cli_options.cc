// Shared options and input validation. Everything a user can type is checked here so that
// the phases can trust the Target: domains are host names, the token is a plain file
// name, the content is bounded. Each error names the offending option and value.
#include "agent/cli_options.h"

#include <algorithm>
#include <cctype>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "platform/atomic_file.h"
#include "remediators/webroot/validation_file.h"

namespace dcv {
namespace {

bool IsLdhLabel(const std::string& label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-';
  });
}

std::string Printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else out += "\\x" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
    if (out.size() > 80) return out + "...";
  }
  return out;
}

Result<Method> ParseMethod(const std::string& method) {
  if (method == "file") return Method::kFile;
  if (method == "acme-http") return Method::kAcmeHttp;
  if (method == "dns") return Method::kDns;
  return MakeError("invalid --method '" + Printable(method) + "': use file, acme-http or dns");
}

}  // namespace

void AddOutputOptions(CLI::App& command, OutputOptions& options) {
  command.add_flag("--json", options.json, "Write one JSON document to stdout");
  command.add_flag("-v,--verbose", options.verbose, "More log output on stderr (repeatable)");
  command.add_flag("-q,--quiet", options.quiet, "Print only the verdict");
}

void AddTargetOptions(CLI::App& command, TargetOptions& o) {
  command.add_option("--domain", o.domains, "Domain the CA validates (repeatable)")->required();
  command.add_option("--method", o.method, "Validation method: file, acme-http or dns")
      ->capture_default_str();
  command.add_option("--token", o.token, "Validation file name (ACME: the token)");
  auto* content = command.add_option("--content", o.content, "Expected file content (ACME: key authorization)");
  auto* file = command.add_option("--content-file", o.content_file, "Read the expected content from a file");
  content->excludes(file);
  command.add_option("--ca", o.ca, "CA profile: generic, letsencrypt, digicert, globalsign, sectigo")
      ->check(CLI::IsMember({"generic", "letsencrypt", "digicert", "globalsign", "sectigo"}))
      ->capture_default_str();
  command.add_option("--probe", o.probes, "Outside vantage point (URL of a `dcv-agent probe serve`)");
  command.add_option("--key-file", o.key_file, "Shared key for authenticated probes");
  AddStateDirOption(command, o.state_dir);
}

void AddStateDirOption(CLI::App& command, std::string& state_dir) {
  command.add_option("--state-dir", state_dir, "Journal directory")->capture_default_str()
      ->group("Advanced");
}

Result<std::string> NormalizeDomain(const std::string& domain) {
  std::string name = domain;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!name.empty() && name.back() == '.') name.pop_back();
  std::string rest = name.rfind("*.", 0) == 0 ? name.substr(2) : name;
  bool valid = !rest.empty() && name.size() <= 253 && rest.find('.') != std::string::npos;
  for (std::size_t start = 0; valid && start <= rest.size();) {
    const std::size_t dot = rest.find('.', start);
    const std::string label = rest.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    valid = IsLdhLabel(label);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (!valid) {
    return MakeError("invalid --domain '" + Printable(domain) +
                     "': expected a host name like example.com (letters, digits, hyphens; dot-separated)");
  }
  return name;
}

Result<Target> BuildTarget(const TargetOptions& o, bool need_content) {
  Target target;
  for (const std::string& domain : o.domains) {
    Result<std::string> name = NormalizeDomain(domain);
    if (!name) return name.error();
    if (std::find(target.domains.begin(), target.domains.end(), *name) == target.domains.end()) {
      target.domains.push_back(*name);
    }
  }
  Result<Method> method = ParseMethod(o.method);
  if (!method) return method.error();
  target.method = *method;
  if (target.method == Method::kDns) {
    return MakeError("--method dns is not available in this version (see the README's roadmap)");
  }
  if (o.token.empty()) return MakeError("--token is required for --method " + o.method);
  if (auto valid = ValidateTokenName(o.token); !valid) return valid.error();
  target.token = o.token;
  target.content = o.content;
  if (!o.content_file.empty()) {
    Result<FileSnapshot> file = ReadSnapshot(o.content_file, kMaxContentBytes);
    if (!file) return MakeError("cannot read --content-file: " + file.error().message);
    if (!file->exists) return MakeError("cannot read --content-file " + o.content_file + ": no such file");
    target.content = file->content;
  }
  if (need_content || !target.content.empty()) {
    if (need_content && target.content.empty() && o.content_file.empty()) {
      return MakeError("--content or --content-file is required");
    }
    if (auto valid = ValidateContent(target.content); !valid) {
      return MakeError("invalid --content" + std::string(o.content_file.empty() ? "" : "-file") + ": " +
                       valid.error().message);
    }
  }
  target.ca = o.ca;
  target.probes = o.probes;
  return target;
}

void ConfigureLogging(const OutputOptions& options) {
  auto logger = spdlog::stderr_color_mt("dcv-agent");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
  if (options.quiet) spdlog::set_level(spdlog::level::err);
  else if (options.verbose >= 2) spdlog::set_level(spdlog::level::trace);
  else if (options.verbose == 1) spdlog::set_level(spdlog::level::debug);
  else spdlog::set_level(spdlog::level::info);
}

}  // namespace dcv
