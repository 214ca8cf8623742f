// Shared options and input validation. Everything a user can type is checked here so that
// the phases can trust the Target: domains are host names, the token is a plain file
// name, the content is bounded. Each error names the offending option and value.
#include "agent/cli_options.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "agent/dns/tsig_key.h"
#include "agent/name_checks.h"
#include "agent/report.h"
#include "agent/verify/ca_profile.h"
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

void AddDnsOptions(CLI::App& command, TargetOptions& o) {
  command.add_option("--txt-name", o.txt_name, "TXT record name (one label is put before each domain)")->group("DNS");
  command.add_option("--root-hints", o.root_hints, "Root hints file (private DNS roots)")->group("DNS");
  command.add_option("--trust-anchor", o.trust_anchor, "Root DS records (dnssec-dsfromkey format)")->group("DNS");
  command.add_option("--dns-server", o.dns_server, "Server for RFC 2136 updates (host name or address)")->group("DNS");
  command.add_option("--tsig-key", o.tsig_key, "TSIG key file: hmac-sha256:NAME:BASE64 or a BIND key clause")
      ->group("DNS");
  command.add_option("--dns-wait", o.dns_wait, "Seconds fix waits for every server to answer the record")
      ->check(CLI::Range(0, 3600))->capture_default_str()->group("DNS");
}

// A DNS owner name as --txt-name takes it: labels of letters, digits, '-' and '_'.
bool IsDnsName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (std::size_t start = 0; start <= name.size();) {
    const std::size_t dot = name.find('.', start);
    const std::string label = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const bool ok = !label.empty() && label.size() <= 63 && std::all_of(label.begin(), label.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '_';
    });
    if (!ok) return dot == std::string::npos && label.empty() && start > 0;  // one trailing dot is fine
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return true;
}

Result<void> ReadableFile(const std::string& option, const std::string& path) {
  if (path.empty()) return {};
  if (!std::ifstream(path)) return MakeError("cannot read " + option + " '" + Printable(path) + "'");
  return {};
}

Result<void> CheckDnsOptions(const TargetOptions& o, Target& target) {
  if (!o.txt_name.empty() && !IsDnsName(o.txt_name)) {
    return MakeError("invalid --txt-name '" + Printable(o.txt_name) + "': expected a DNS name like _dnsauth");
  }
  for (const auto& [option, path] : {std::pair{"--root-hints", &o.root_hints}, {"--trust-anchor", &o.trust_anchor},
                                     {"--tsig-key", &o.tsig_key}}) {
    if (auto readable = ReadableFile(option, *path); !readable) return readable.error();
  }
  if (!o.dns_server.empty() && !IsDnsName(o.dns_server) && o.dns_server.find(':') == std::string::npos) {
    return MakeError("invalid --dns-server '" + Printable(o.dns_server) + "': expected a host name or address");
  }
  if (o.dns_server.empty() != o.tsig_key.empty()) {
    return MakeError(std::string(o.dns_server.empty() ? "--tsig-key needs --dns-server" : "--dns-server needs --tsig-key"));
  }
  if (!o.tsig_key.empty()) {
    if (Result<TsigKey> key = ReadTsigKey(o.tsig_key); !key) return MakeError("invalid --tsig-key: " + key.error().message);
  }
  target.txt_name = o.txt_name;
  target.root_hints = o.root_hints;
  target.trust_anchor = o.trust_anchor;
  target.dns_server = o.dns_server;
  target.tsig_key = o.tsig_key;
  target.dns_wait_seconds = o.dns_wait;
  return {};
}

}  // namespace

void AddOutputOptions(CLI::App& command, OutputOptions& options) {
  command.add_flag("--json", options.json, "Write one JSON document to stdout");
  command.add_flag("-v,--verbose", options.verbose, "More log output on stderr (repeatable)");
  command.add_flag("-q,--quiet", options.quiet, "Print only the verdict");
}

void AddDisplayOptions(CLI::App& command, OutputOptions& options) {
  command.add_option("--lang", options.lang, "Language of the text report: en, zh-CN or zh-TW (default: locale, en)")
      ->check([](const std::string& value) {
        return ParseLang(value) ? std::string() : "'" + value + "' is not a language: use en, zh-CN or zh-TW";
      });
  command.add_option("--color", options.color, "Colour the text report: auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  command.add_option("--config", options.config, "Configuration file (default: /etc/dcv-agent/config.toml)");
}

void AddTargetOptions(CLI::App& command, TargetOptions& o) {
  command.add_option("--domain", o.domains, "Domain the CA validates (repeatable)")->required();
  command.add_option("--method", o.method, "Validation method: file, acme-http or dns")
      ->capture_default_str();
  command.add_option("--token", o.token, "Validation file name (ACME: the token)");
  auto* content = command.add_option("--content", o.content, "Expected file content (ACME: key authorization)");
  auto* file = command.add_option("--content-file", o.content_file, "Read the expected content from a file");
  content->excludes(file);
  std::vector<std::string> profiles;  // the rows of the CA profile table
  for (const CaProfile& profile : AllCaProfiles()) profiles.emplace_back(profile.name);
  command.add_option("--ca", o.ca, "CA profile: generic, letsencrypt, digicert, globalsign, sectigo")
      ->check(CLI::IsMember(profiles))
      ->capture_default_str();
  command.add_option("--probe", o.probes, "Outside vantage point (URL of a `dcv-agent probe serve`)");
  command.add_option("--key-file", o.key_file, "Shared key for authenticated probes");
  AddDnsOptions(command, o);
  command.add_option("--allow-from", o.allow_from,
                     "Firewall openings admit only these source networks (CIDR, repeatable; default: any)")
      ->group("Firewall");
  command.add_flag("--temporary", o.temporary,
                   "Firewall openings are marked temporary and not persisted; `cleanup` removes them")
      ->group("Firewall");
  AddStateDirOption(command, o.state_dir);
}

void AddStateDirOption(CLI::App& command, std::string& state_dir) {
  command.add_option("--state-dir", state_dir, "Journal directory")->capture_default_str()
      ->group("Advanced");
}

Result<std::string> NormalizeDomain(const std::string& domain) {
  Result<std::string> ascii = ToAsciiName(domain);
  if (!ascii) return MakeError("invalid --domain '" + Printable(domain) + "': " + ascii.error().message);
  if (*ascii != domain) spdlog::info("--domain {} is {} in the form the CA validates", domain, *ascii);
  std::string name = *ascii;
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
  if (auto dns = CheckDnsOptions(o, target); !dns) return dns.error();
  if (target.method != Method::kDns) {
    if (o.token.empty()) return MakeError("--token is required for --method " + o.method);
    if (auto valid = ValidateTokenName(o.token); !valid) return valid.error();
    target.token = o.token;
  }
  target.content = o.content;
  if (!o.content_file.empty()) {
    Result<FileSnapshot> file = ReadSnapshot(o.content_file, kMaxContentBytes);
    if (!file) return MakeError("cannot read --content-file: " + file.error().message);
    if (!file->exists) return MakeError("cannot read --content-file " + o.content_file + ": no such file");
    target.content = file->content;
  }
  need_content = need_content || (target.method == Method::kDns && !target.dns_server.empty());  // cleanup deletes that value
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
  if (target.ca == "letsencrypt" && target.method == Method::kFile) {
    return MakeError("--ca letsencrypt validates with ACME only: use --method acme-http (or dns), not file");
  }
  target.probes = o.probes;
  for (const std::string& text : o.allow_from) {
    Result<Cidr> cidr = ParseCidr(text);
    if (!cidr) return MakeError("invalid --allow-from " + cidr.error().message);
    if (std::find(target.allow_from.begin(), target.allow_from.end(), *cidr) == target.allow_from.end()) {
      target.allow_from.push_back(*cidr);
    }
  }
  target.temporary = o.temporary;
  return target;
}

void ConfigureLogging(const OutputOptions& options) {
  const char* no_color = std::getenv("NO_COLOR");  // no-color.org, for the log lines too
  const spdlog::color_mode colors = options.color == "always" ? spdlog::color_mode::always
                                    : options.color == "never" || (no_color != nullptr && *no_color != '\0')
                                        ? spdlog::color_mode::never
                                        : spdlog::color_mode::automatic;
  auto logger = spdlog::stderr_color_mt("dcv-agent", colors);
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
  if (options.quiet) spdlog::set_level(spdlog::level::err);
  else if (options.verbose >= 2) spdlog::set_level(spdlog::level::trace);
  else if (options.verbose == 1) spdlog::set_level(spdlog::level::debug);
  else spdlog::set_level(spdlog::level::info);
  SetTextStyle({options.language, options.color_enabled});
}

}  // namespace dcv
