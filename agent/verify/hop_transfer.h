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
  bool refused = false;              // the AddressFilter refused every address
  int status = 0;
  std::string location;              // the raw Location header, empty if none
  std::string body;                  // at most body_cap bytes
  bool body_truncated = false;       // the server sent more than body_cap bytes
};

/// Decides, just before a socket is opened, whether it may connect to `address`: the
/// reason it may not, or nothing. The probe refuses non-public addresses this way.
using AddressFilter = std::optional<std::string> (*)(const struct sockaddr* address);

/// One GET of `url`; owns its easy handle. Not copyable or movable (curl keeps `this`).
class HopTransfer {
 public:
  /// `timeout_ms` bounds the whole request; `connect_timeout_ms` the TCP/TLS connect.
  /// With a `filter`, every address curl would connect to is checked first (each one a
  /// name resolves to, on every hop), and a refused one is never dialled.
  HopTransfer(const std::string& url, Family family, std::size_t body_cap,
              long connect_timeout_ms, long timeout_ms, AddressFilter filter = nullptr);
  ~HopTransfer();
  HopTransfer(const HopTransfer&) = delete;
  HopTransfer& operator=(const HopTransfer&) = delete;

  /// The easy handle to add to a multi handle.
  CURL* handle() const { return easy_; }

  /// Collects the outcome once curl reports the transfer done with `code`.
  HopOutcome Finish(CURLcode code);

 private:
  static std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* self);
  static curl_socket_t OnOpenSocket(void* self, curlsocktype purpose, curl_sockaddr* address);

  CURL* easy_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::size_t body_cap_;
  std::string body_;
  bool body_truncated_ = false;
  AddressFilter filter_ = nullptr;
  std::optional<std::string> refused_;  // why the last address offered was not dialled
  bool dialled_ = false;                // some address passed the filter
  char error_[CURL_ERROR_SIZE] = {};
};

}  // namespace dcv
