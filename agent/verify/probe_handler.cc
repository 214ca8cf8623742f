// Admission of probe requests. Order matters: authentication comes first (an
// unauthenticated caller learns nothing and costs no parsing), then the JSON shape, then
// the URL policy on every spec, all before any fetch. The client's rules are accepted
// but clamped, and its allowed ports are replaced by the probe's own list: a probe must
// not become a way to reach arbitrary ports (BR: the CA fetches on 80 and 443 only).
// Non-public addresses are refused later, when dialled (probe_address.h), unless the
// probe runs with --allow-private. Answers are bounded field by field.
#include "agent/verify/probe_handler.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "agent/verify/check_json.h"
#include "agent/verify/url_policy.h"

namespace dcv {
namespace {

using nlohmann::json;

constexpr int kMaxRedirectsCap = 20;
constexpr std::size_t kMaxBodyBytesCap = 64 * 1024;
constexpr long kMaxConnectTimeoutMs = 30000;
constexpr long kMaxTotalTimeoutMs = 60000;
constexpr std::size_t kMaxTextBytes = 1024;  // per URL, Location or error in an answer

void Cut(std::string& text) {
  if (text.size() > kMaxTextBytes) text = text.substr(0, kMaxTextBytes) + "...";
}

// A result with every text field bounded (a Location header may be 100 KB long).
CheckResult Bounded(CheckResult result) {
  Cut(result.url);
  if (result.location) Cut(*result.location);
  if (result.error) Cut(*result.error);
  for (std::string& hop : result.redirects) Cut(hop);
  if (result.redirects.size() > kMaxRedirectsCap + 1) result.redirects.resize(kMaxRedirectsCap + 1);
  return result;
}

FetchRules ClampRules(FetchRules rules, const std::vector<int>& allowed_ports) {
  rules.max_redirects = std::clamp(rules.max_redirects, 0, kMaxRedirectsCap);
  rules.max_body_bytes = std::clamp<std::size_t>(rules.max_body_bytes, 1, kMaxBodyBytesCap);
  rules.connect_timeout_ms = std::clamp(rules.connect_timeout_ms, 1L, kMaxConnectTimeoutMs);
  rules.total_timeout_ms = std::clamp(rules.total_timeout_ms, 1L, kMaxTotalTimeoutMs);
  rules.allowed_ports = allowed_ports;
  return rules;
}

}  // namespace

ProbeRequestHandler::ProbeRequestHandler(const ProbeServeOptions& options)
    : options_(options), authenticator_(options.key) {}

std::variant<ProbeJob, ProbeReply> ProbeRequestHandler::Admit(const ProbeRequest& request,
                                                              std::int64_t now_unix_seconds) {
  if (request.target != kProbeFetchPath) {
    return ErrorReply(404, "no such endpoint: " + request.target);
  }
  if (request.method != "POST") return ErrorReply(405, "use POST");
  if (!options_.key.empty()) {
    Result<void> verified = authenticator_.Verify(request.method, request.target,
                                                  request.signature, request.body,
                                                  now_unix_seconds);
    if (!verified) return ErrorReply(401, verified.error().message);
  }
  return ParseJob(request.body);
}

std::variant<ProbeJob, ProbeReply> ProbeRequestHandler::ParseJob(const std::string& body) const {
  json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || !document.contains("specs") || !document["specs"].is_array()) {
    return ErrorReply(400, "expected a JSON object with a \"specs\" array");
  }
  const json& specs = document["specs"];
  if (specs.size() > options_.max_specs) {
    return ErrorReply(400, "too many specs (at most " + std::to_string(options_.max_specs) +
                               " per request)");
  }
  Result<FetchRules> rules = FetchRulesFromJson(document.value("rules", json::object()));
  if (!rules) return ErrorReply(400, "rules: " + rules.error().message);
  ProbeJob job;
  job.rules = ClampRules(*rules, options_.allowed_ports);
  job.allow_private = options_.allow_private;
  for (const json& entry : specs) {
    Result<FetchSpec> spec = FetchSpecFromJson(entry);
    if (!spec) return ErrorReply(400, "spec: " + spec.error().message);
    Result<UrlParts> fetchable = CheckFetchable(spec->url, job.rules);
    if (!fetchable) return ErrorReply(400, "refused: " + fetchable.error().message);
    job.specs.push_back(std::move(*spec));
  }
  return job;
}

void ProbeRequestHandler::Sign(ProbeReply& reply, const ProbeRequest& request) const {
  if (options_.key.empty()) return;
  reply.signature = SignProbeResponse(options_.key, reply.status, request.signature.nonce,
                                      reply.body);
}

ProbeReply ProbeRequestHandler::ResultsReply(const std::vector<CheckResult>& results) {
  json list = json::array();
  for (const CheckResult& result : results) list.push_back(CheckResultToJson(Bounded(result)));
  // A fetched body may hold any bytes: invalid UTF-8 is replaced rather than thrown on.
  ProbeReply reply;
  reply.body = json{{"results", std::move(list)}}.dump(-1, ' ', false,
                                                      json::error_handler_t::replace);
  if (reply.body.size() > kMaxProbeReplyBytes) return ErrorReply(500, "answer too large");
  return reply;
}

ProbeReply ProbeRequestHandler::ErrorReply(int status, const std::string& message) {
  ProbeReply reply;
  reply.status = status;
  reply.body = json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace);
  return reply;
}

}  // namespace dcv
