// One request of a validation fetch: a libcurl easy handle set up the way the CA's HTTP
// client behaves (GET, Accept: */*, a CA-like User-Agent, one address family, no
// proxy, no connection reuse, TLS >= 1.2 with the certificate not verified, redirects
// NOT followed). The verifier drives many of these on one curl multi handle.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <curl/curl.h>

#include "agent/verify/check_result.h"

namespace dcv {

/// The User-Agent every fetch sends.
extern const char kVerifierUserAgent[];

/// What one request observed.
struct HopOutcome {
  std::optional<std::string> error;  // transport failure (curl's text); nothing else set
  bool connect_failed = false;       // no TCP connection: refused, unreachable, timed out
  bool no_address = false;           // the host has no address in the pinned family
  int status = 0;
  std::string location;              // the raw Location header, empty if none
  std::string body;                  // at most body_cap bytes
  bool body_truncated = false;       // the server sent more than body_cap bytes
};

/// One GET of `url`; owns its easy handle. Not copyable or movable (curl keeps `this`).
class HopTransfer {
 public:
  /// `timeout_ms` bounds the whole request; `connect_timeout_ms` the TCP/TLS connect.
  HopTransfer(const std::string& url, Family family, std::size_t body_cap,
              long connect_timeout_ms, long timeout_ms);
  ~HopTransfer();
  HopTransfer(const HopTransfer&) = delete;
  HopTransfer& operator=(const HopTransfer&) = delete;

  /// The easy handle to add to a multi handle.
  CURL* handle() const { return easy_; }

  /// Collects the outcome once curl reports the transfer done with `code`.
  HopOutcome Finish(CURLcode code);

 private:
  static std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* self);

  CURL* easy_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::size_t body_cap_;
  std::string body_;
  bool body_truncated_ = false;
  char error_[CURL_ERROR_SIZE] = {};
};

}  // namespace dcv
