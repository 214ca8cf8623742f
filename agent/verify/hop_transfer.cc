// Sets up and reads back one libcurl request. The options mirror Boulder's validation
// client (va/http.go): keep-alives off, `Accept: */*` (added for mod_security, boulder
// #1019), InsecureSkipVerify, HTTP/1.1, the address family pinned by the caller (the
// CA tries the first AAAA and the first A separately). Environment proxies are ignored:
// the CA does not go through ours. The body is read only up to a cap; a larger body
// aborts the transfer, which is reported as `body_truncated`, not as an error. With an
// AddressFilter, the socket is opened by our callback, which first asks the filter about
// the very address curl is about to dial: the check and the connection cannot disagree.
#include "agent/verify/hop_transfer.h"

#include <sys/socket.h>

#include <algorithm>

namespace dcv {

const char kVerifierUserAgent[] =
    "Mozilla/5.0 (compatible; dcv-agent/" DCV_VERSION "; +https://github.com/dcv-agent)";

HopTransfer::HopTransfer(const std::string& url, Family family, std::size_t body_cap,
                         long connect_timeout_ms, long timeout_ms, AddressFilter filter)
    : easy_(curl_easy_init()), body_cap_(body_cap), filter_(filter) {
  headers_ = curl_slist_append(nullptr, "Accept: */*");
  curl_easy_setopt(easy_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy_, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(easy_, CURLOPT_USERAGENT, kVerifierUserAgent);
  curl_easy_setopt(easy_, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  long resolve = family == Family::kIpv6 ? CURL_IPRESOLVE_V6 : CURL_IPRESOLVE_V4;
  curl_easy_setopt(easy_, CURLOPT_IPRESOLVE, resolve);
  curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy_, CURLOPT_PROXY, "");
  curl_easy_setopt(easy_, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(easy_, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(easy_, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(easy_, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, std::max(1L, connect_timeout_ms));
  curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, std::max(1L, timeout_ms));
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &HopTransfer::OnBody);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  if (filter_ != nullptr) {
    curl_easy_setopt(easy_, CURLOPT_OPENSOCKETFUNCTION, &HopTransfer::OnOpenSocket);
    curl_easy_setopt(easy_, CURLOPT_OPENSOCKETDATA, this);
  }
}

curl_socket_t HopTransfer::OnOpenSocket(void* self, curlsocktype purpose,
                                        curl_sockaddr* address) {
  auto* transfer = static_cast<HopTransfer*>(self);
  if (purpose != CURLSOCKTYPE_IPCXN) {
    transfer->refused_ = "not a plain IP connection";
    return CURL_SOCKET_BAD;
  }
  std::optional<std::string> reason = transfer->filter_(&address->addr);
  if (reason) {
    transfer->refused_ = std::move(reason);
    return CURL_SOCKET_BAD;
  }
  transfer->dialled_ = true;
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

HopTransfer::~HopTransfer() {
  curl_easy_cleanup(easy_);
  curl_slist_free_all(headers_);
}

std::size_t HopTransfer::OnBody(char* data, std::size_t size, std::size_t count, void* self) {
  auto* transfer = static_cast<HopTransfer*>(self);
  std::size_t bytes = size * count;
  std::size_t room = transfer->body_cap_ - transfer->body_.size();
  transfer->body_.append(data, std::min(bytes, room));
  if (bytes > room) {
    transfer->body_truncated_ = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR: we have read enough
  }
  return bytes;
}

HopOutcome HopTransfer::Finish(CURLcode code) {
  HopOutcome outcome;
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && body_truncated_)) {
    outcome.error = error_[0] != '\0' ? std::string(error_) : curl_easy_strerror(code);
    if (refused_ && !dialled_ && code == CURLE_COULDNT_CONNECT) {
      outcome.refused = true;
      outcome.error = "refused, nothing fetched: " + *refused_ +
                      " (a probe fetches public addresses only; see probe serve --allow-private)";
      return outcome;
    }
    curl_off_t connect_time = 0;
    curl_easy_getinfo(easy_, CURLINFO_CONNECT_TIME_T, &connect_time);
    outcome.connect_failed =
        code == CURLE_COULDNT_CONNECT || (code == CURLE_OPERATION_TIMEDOUT && connect_time == 0);
    outcome.no_address = code == CURLE_COULDNT_RESOLVE_HOST;
    return outcome;
  }
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  outcome.status = static_cast<int>(status);
  curl_header* location = nullptr;
  if (curl_easy_header(easy_, "Location", 0, CURLH_HEADER, -1, &location) == CURLHE_OK) {
    outcome.location = location->value;
  }
  outcome.body = std::move(body_);
  outcome.body_truncated = body_truncated_;
  return outcome;
}

}  // namespace dcv
