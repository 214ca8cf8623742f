// libFuzzer target for what `probe serve` reads off the wire (agent/verify/probe_*): the
// bytes are one HTTP request, parsed by Boost.Beast with the server's own limits (16 KiB
// of headers, 64 KiB of body) and turned into a ProbeRequest exactly as probe_server.cc
// does, then admitted by ProbeRequestHandler: target and method, the authenticator
// (X-DCV-Timestamp / -Nonce / -Signature), the JSON body (specs, rules, URL policy).
// A fuzzer cannot forge HMAC-SHA256, so each request is admitted three times: by an
// unkeyed probe (JSON and URL checks), by a keyed one as sent (refusals), and by a keyed
// one after the harness signed the request with the fuzzed timestamp and nonce (the
// timestamp window, replay memory, then the JSON). An input that starts with '{' is a
// body for POST /v1/fetch. The "results" of a body go through CheckResultFromJson, the
// client's reading of a probe's answer. Nothing is fetched: Admit never dials.
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "agent/verify/check_json.h"
#include "agent/verify/probe_auth.h"
#include "agent/verify/probe_handler.h"
#include "fuzz/fuzz_input.h"

namespace {

namespace http = boost::beast::http;

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z
constexpr char kKey[] = "fuzz-shared-key";

// Parses `text` as the server does; false when Beast would have dropped the connection.
bool ReadRequest(const std::string& text, dcv::ProbeRequest& request) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(text.data(), text.size()), ec);
  if (ec == http::error::need_more) ec = {};
  if (!ec && !parser.is_done() && used <= text.size()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return false;
  http::request<http::string_body> message = parser.release();
  request = {std::string(message.method_string()), std::string(message.target()),
             std::move(message.body()),
             {std::string(message[dcv::kTimestampHeader]), std::string(message[dcv::kNonceHeader]),
              std::string(message[dcv::kSignatureHeader])}};
  return true;
}

// The status of the refusal, or 0 when the request was admitted.
int Admit(dcv::ProbeRequestHandler& handler, const dcv::ProbeRequest& request) {
  auto admitted = handler.Admit(request, kNow);
  if (auto* reply = std::get_if<dcv::ProbeReply>(&admitted)) {
    if (reply->status < 400 || reply->status > 599) __builtin_trap();  // a refusal is 4xx/5xx
    handler.Sign(*reply, request);
    return reply->status;
  }
  const dcv::ProbeJob& job = std::get<dcv::ProbeJob>(admitted);
  if (job.rules.allowed_ports != std::vector<int>{80, 443}) __builtin_trap();  // not widened
  if (job.specs.size() > 64) __builtin_trap();
  return 0;
}

void ReadResults(const std::string& body) {
  nlohmann::json document = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || !document.contains("results")) return;
  const nlohmann::json& results = document["results"];
  if (!results.is_array()) return;
  for (const nlohmann::json& entry : results) {
    auto result = dcv::CheckResultFromJson(entry);
    if (result) (void)dcv::CheckResultToJson(*result).dump();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = dcv::fuzz::AsText(data, size);
  dcv::ProbeRequest request;
  if (!text.empty() && text[0] == '{') {
    request = {"POST", dcv::kProbeFetchPath, text, {}};
    ReadResults(text);
  } else if (!ReadRequest(text, request)) {
    return 0;
  }
  dcv::ProbeServeOptions open;
  dcv::ProbeRequestHandler unkeyed(open);
  Admit(unkeyed, request);

  dcv::ProbeServeOptions keyed_options;
  keyed_options.key = kKey;
  dcv::ProbeRequestHandler keyed(keyed_options);
  Admit(keyed, request);

  dcv::ProbeRequest signed_request = request;
  signed_request.signature.signature = dcv::HmacSha256Hex(
      kKey, dcv::CanonicalProbeRequest(request.method, request.target, request.signature.timestamp,
                                       request.signature.nonce, request.body));
  dcv::ProbeRequestHandler fresh(keyed_options);
  int first = Admit(fresh, signed_request);
  int again = Admit(fresh, signed_request);
  // Past authentication once (admitted, or refused for its body): the replay must be a 401.
  if ((first == 0 || first == 400) && again != 401) __builtin_trap();
  return 0;
}
