// FetchAll: every spec fetched at once on one curl multi handle. Each spec is a small
// state machine (SpecFetch) that issues one request per hop: redirects are judged by
// our own code with the CA's rules (url_policy.h), and each hop is a new easy handle, so
// the next host is resolved again in the same address family. When a hop ends, its
// SpecFetch either starts the next hop or settles its CheckResult: status, last
// Location, redirects followed, content match after trimming trailing whitespace, and
// an error for transport failures and for rule violations (bad redirect, body too long,
// a 2xx other than 200 where exactly 200 is required).
#include "agent/verify/verifier.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <boost/asio/ip/address.hpp>

#include "agent/verify/curl_multi.h"
#include "agent/verify/hop_transfer.h"
#include "agent/verify/url_policy.h"

namespace dcv {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kEvidenceBytes = 256;

// The family of an IP-literal host ("192.0.2.1", "[2001:db8::1]"); nothing for a name.
std::optional<Family> LiteralFamily(std::string host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code error;
  boost::asio::ip::address address = boost::asio::ip::make_address(host, error);
  if (error) return std::nullopt;
  return address.is_v6() ? Family::kIpv6 : Family::kIpv4;
}

std::string TrimTrailingWhitespace(std::string text) {
  std::size_t end = text.find_last_not_of(" \t\r\n\v\f");
  text.erase(end == std::string::npos ? 0 : end + 1);
  return text;
}

// One spec's progress through its hops.
class SpecFetch {
 public:
  SpecFetch(const FetchSpec& spec, const FetchRules& rules, Clock::time_point start,
            AddressFilter filter)
      : spec_(spec), rules_(rules), filter_(filter), deadline_(start + std::chrono::milliseconds(
                                                          rules.total_timeout_ms)) {
    result_.url = spec.url;
    result_.family = FamilyName(spec.family);
    result_.vantage = "local";
  }

  /// The first hop's transfer, or nullptr when the URL itself may not be fetched.
  HopTransfer* Start() {
    Result<UrlParts> parts = CheckFetchable(spec_.url, rules_);
    if (!parts) {
      result_.error = "not fetched: " + parts.error().message;
      return nullptr;
    }
    return StartHop(parts->url);
  }

  /// Consumes the finished hop; returns the next hop's transfer, or nullptr when done.
  HopTransfer* OnHopDone(CURLcode code) {
    HopOutcome outcome = transfer_->Finish(code);
    transfer_.reset();
    if (outcome.error) return Fail(outcome);
    result_.status = outcome.status;
    if (!IsRedirectStatus(outcome.status)) {
      Settle(outcome);
      return nullptr;
    }
    if (!outcome.location.empty()) result_.location = outcome.location;
    RedirectStep step =
        NextRedirect(current_url_, outcome.status, outcome.location,
                     static_cast<int>(result_.redirects.size()), visited_, rules_);
    if (!step.violation.empty()) {
      result_.error = step.violation;
      return nullptr;
    }
    result_.redirects.push_back(step.next_url);
    return StartHop(step.next_url);
  }

  CheckResult TakeResult() { return std::move(result_); }

 private:
  HopTransfer* StartHop(const std::string& url) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ -
                                                                           Clock::now());
    if (remaining.count() <= 0) {
      result_.error = "gave up after " + std::to_string(rules_.total_timeout_ms) +
                      " ms (the overall time limit) before fetching " + url;
      return nullptr;
    }
    current_url_ = url;
    visited_.insert(url);
    Result<UrlParts> parts = ParseUrl(url);
    std::optional<Family> literal = parts ? LiteralFamily(parts->host) : std::nullopt;
    if (literal && *literal != spec_.family) {
      // curl would only say "Couldn't connect"; the truth is there is nothing to dial.
      result_.no_address = true;
      result_.error = "no " + std::string(FamilyName(spec_.family)) + " address: " +
                      parts->host + " is an " + FamilyName(*literal) + " address";
      return nullptr;
    }
    std::size_t body_cap = std::max(rules_.max_body_bytes, kEvidenceBytes);
    transfer_ = std::make_unique<HopTransfer>(
        url, spec_.family, body_cap, std::min(rules_.connect_timeout_ms, remaining.count()),
        remaining.count(), filter_);
    return transfer_.get();
  }

  HopTransfer* Fail(const HopOutcome& outcome) {
    result_.connect_failed = outcome.connect_failed;
    result_.no_address = outcome.no_address;
    result_.error = outcome.no_address
                        ? "no " + std::string(FamilyName(spec_.family)) +
                              " address: " + *outcome.error
                        : *outcome.error;
    return nullptr;
  }

  // Applies the status and body rules to the final (non-redirect) answer.
  void Settle(const HopOutcome& outcome) {
    const std::string& body = outcome.body;
    result_.body = body.substr(0, kEvidenceBytes);
    bool too_long = outcome.body_truncated || body.size() >= rules_.max_body_bytes;
    bool success = outcome.status >= 200 && outcome.status < 300;
    result_.content_match =
        !too_long && TrimTrailingWhitespace(body) == TrimTrailingWhitespace(spec_.expected_content);
    if (success && too_long) {
      result_.error = "response body of " + std::string(outcome.body_truncated ? "over " : "") +
                      std::to_string(body.size()) + " bytes is too long (the CA fails a body of " +
                      std::to_string(rules_.max_body_bytes) + " bytes or more)";
    } else if (success && rules_.require_exact_200 && outcome.status != 200) {
      result_.error = "status " + std::to_string(outcome.status) +
                      " (the CA requires exactly 200)";
    }
  }

  FetchSpec spec_;
  const FetchRules& rules_;
  AddressFilter filter_;
  Clock::time_point deadline_;
  CheckResult result_;
  std::string current_url_;
  std::set<std::string> visited_;
  std::unique_ptr<HopTransfer> transfer_;
};

}  // namespace

std::vector<CheckResult> FetchAll(const std::vector<FetchSpec>& specs, const FetchRules& rules,
                                  AddressFilter filter) {
  CurlMulti multi;
  std::vector<std::unique_ptr<SpecFetch>> fetches;
  std::map<CURL*, SpecFetch*> active;
  auto start_hop = [&](SpecFetch* fetch, HopTransfer* transfer) {
    if (transfer == nullptr) return;
    active[transfer->handle()] = fetch;
    multi.Add(transfer->handle());
  };
  Clock::time_point start = Clock::now();
  for (const FetchSpec& spec : specs) {
    fetches.push_back(std::make_unique<SpecFetch>(spec, rules, start, filter));
    start_hop(fetches.back().get(), fetches.back()->Start());
  }
  multi.Run([&](CURL* easy, CURLcode code) {
    SpecFetch* fetch = active.at(easy);
    active.erase(easy);
    start_hop(fetch, fetch->OnHopDone(code));
  });
  std::vector<CheckResult> results;
  results.reserve(fetches.size());
  for (auto& fetch : fetches) results.push_back(fetch->TakeResult());
  return results;
}

}  // namespace dcv
