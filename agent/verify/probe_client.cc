// QueryProbes: the client side of the probe protocol. One POST /v1/fetch per probe, all
// at once on a curl multi handle, each signed with the shared key (probe_auth.h) and
// each answer checked: HTTP 200, signed by the same key, a "results" array with one
// entry per spec. Anything else becomes one result per spec whose error starts with
// "probe <url>:" so that the report shows which vantage point could not answer, which
// matters for a quorum (a probe that did not answer is not a probe that failed to fetch).
#include <map>
#include <memory>
#include <optional>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "agent/verify/check_json.h"
#include "agent/verify/curl_multi.h"
#include "agent/verify/probe.h"
#include "agent/verify/probe_auth.h"
#include "agent/verify/probe_handler.h"

namespace dcv {
namespace {

using nlohmann::json;

constexpr long kProbeConnectTimeoutMs = 10000;
constexpr long kProbeAnswerMarginMs = 15000;  // beyond the fetch's own time limit

// One POST to one probe.
class ProbeCall {
 public:
  ProbeCall(const std::string& probe_url, const std::string& key, const std::string& body,
            long timeout_ms)
      : probe_url_(probe_url), key_(key), easy_(curl_easy_init()) {
    std::optional<std::string> url = FetchUrl(probe_url);
    if (!url) {
      setup_error_ = "not a valid probe URL";
      return;
    }
    signature_ = SignProbeRequest(key, "POST", kProbeFetchPath, body, UnixNow());
    headers_ = curl_slist_append(headers_, "Content-Type: application/json");
    if (!key.empty()) {
      for (auto [name, value] : {std::pair{kTimestampHeader, &signature_.timestamp},
                                 std::pair{kNonceHeader, &signature_.nonce},
                                 std::pair{kSignatureHeader, &signature_.signature}}) {
        headers_ = curl_slist_append(headers_, (std::string(name) + ": " + *value).c_str());
      }
    }
    curl_easy_setopt(easy_, CURLOPT_URL, url->c_str());
    curl_easy_setopt(easy_, CURLOPT_COPYPOSTFIELDS, body.c_str());
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy_, CURLOPT_PROXY, "");
    curl_easy_setopt(easy_, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, kProbeConnectTimeoutMs);
    curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &ProbeCall::OnBody);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  }
  ~ProbeCall() {
    curl_easy_cleanup(easy_);
    curl_slist_free_all(headers_);
  }
  ProbeCall(const ProbeCall&) = delete;
  ProbeCall& operator=(const ProbeCall&) = delete;

  CURL* handle() const { return easy_; }
  const std::optional<std::string>& setup_error() const { return setup_error_; }

  /// The probe's results, or why there are none.
  Result<std::vector<CheckResult>> Finish(CURLcode code, std::size_t expected_count) {
    if (code != CURLE_OK) return MakeError(error_[0] ? error_ : curl_easy_strerror(code));
    long status = 0;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
    json answer = json::parse(answer_, nullptr, /*allow_exceptions=*/false);
    if (status != 200) {
      std::string why = answer.is_object() && answer.contains("error") &&
                                answer["error"].is_string()
                            ? answer["error"].get<std::string>()
                            : answer_.substr(0, 200);
      return MakeError("HTTP " + std::to_string(status) + ": " + why);
    }
    if (!key_.empty() && !SignedByKey(static_cast<int>(status))) {
      return MakeError("the answer is not signed with our key");
    }
    return ParseResults(answer, expected_count);
  }

 private:
  static std::optional<std::string> FetchUrl(const std::string& probe_url) {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), &curl_url_cleanup);
    if (curl_url_set(url.get(), CURLUPART_URL, probe_url.c_str(), 0) != CURLUE_OK ||
        curl_url_set(url.get(), CURLUPART_PATH, kProbeFetchPath, 0) != CURLUE_OK ||
        curl_url_set(url.get(), CURLUPART_QUERY, nullptr, 0) != CURLUE_OK) {
      return std::nullopt;
    }
    char* text = nullptr;
    if (curl_url_get(url.get(), CURLUPART_URL, &text, 0) != CURLUE_OK) return std::nullopt;
    std::string result(text);
    curl_free(text);
    return result;
  }

  static std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* self) {
    auto* call = static_cast<ProbeCall*>(self);
    constexpr std::size_t kMaxAnswerBytes = 4 * 1024 * 1024;
    if (call->answer_.size() + size * count > kMaxAnswerBytes) return 0;
    call->answer_.append(data, size * count);
    return size * count;
  }

  bool SignedByKey(int status) {
    curl_header* header = nullptr;
    if (curl_easy_header(easy_, kSignatureHeader, 0, CURLH_HEADER, -1, &header) != CURLHE_OK) {
      return false;
    }
    return VerifyProbeResponse(key_, status, signature_.nonce, answer_, header->value);
  }

  static Result<std::vector<CheckResult>> ParseResults(const json& answer,
                                                       std::size_t expected_count) {
    if (!answer.is_object() || !answer.contains("results") || !answer["results"].is_array()) {
      return MakeError("the answer has no \"results\" array");
    }
    const json& list = answer["results"];
    if (list.size() != expected_count) {
      return MakeError("expected " + std::to_string(expected_count) + " results, got " +
                       std::to_string(list.size()));
    }
    std::vector<CheckResult> results;
    for (const json& entry : list) {
      Result<CheckResult> result = CheckResultFromJson(entry);
      if (!result) return MakeError("bad result: " + result.error().message);
      results.push_back(std::move(*result));
    }
    return results;
  }

  std::string probe_url_;
  std::string key_;
  CURL* easy_;
  curl_slist* headers_ = nullptr;
  ProbeSignature signature_;
  std::string answer_;
  std::optional<std::string> setup_error_;
  char error_[CURL_ERROR_SIZE] = {};
};

// One result per spec, each saying why this probe gave none.
void AppendFailures(const std::string& probe_url, const std::string& why,
                    const std::vector<FetchSpec>& specs, std::vector<CheckResult>& out) {
  for (const FetchSpec& spec : specs) {
    CheckResult result;
    result.url = spec.url;
    result.family = FamilyName(spec.family);
    result.vantage = probe_url;
    result.error = "probe " + probe_url + ": " + why;
    out.push_back(std::move(result));
  }
}

std::string RequestBody(const std::vector<FetchSpec>& specs, const FetchRules& rules) {
  json list = json::array();
  for (const FetchSpec& spec : specs) list.push_back(FetchSpecToJson(spec));
  return json{{"specs", std::move(list)}, {"rules", FetchRulesToJson(rules)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::vector<CheckResult> QueryProbes(const std::vector<std::string>& probe_urls,
                                     const std::string& key,
                                     const std::vector<FetchSpec>& specs,
                                     const FetchRules& rules) {
  std::string body = RequestBody(specs, rules);
  long timeout_ms = rules.total_timeout_ms + kProbeAnswerMarginMs;
  CurlMulti multi;
  std::vector<std::unique_ptr<ProbeCall>> calls;
  std::map<CURL*, std::size_t> active;  // easy handle -> index into calls
  for (const std::string& probe_url : probe_urls) {
    calls.push_back(std::make_unique<ProbeCall>(probe_url, key, body, timeout_ms));
    if (!calls.back()->setup_error()) {
      active[calls.back()->handle()] = calls.size() - 1;
      multi.Add(calls.back()->handle());
    }
  }
  std::vector<Result<std::vector<CheckResult>>> answers(
      calls.size(), MakeError("not a valid probe URL"));
  multi.Run([&](CURL* easy, CURLcode code) {
    std::size_t index = active.at(easy);
    answers[index] = calls[index]->Finish(code, specs.size());
  });
  std::vector<CheckResult> results;
  for (std::size_t i = 0; i < probe_urls.size(); ++i) {
    if (!answers[i]) {
      AppendFailures(probe_urls[i], answers[i].error().message, specs, results);
      continue;
    }
    for (CheckResult& result : *answers[i]) {
      result.vantage = probe_urls[i];
      results.push_back(std::move(result));
    }
  }
  return results;
}

}  // namespace dcv
