// The classic curl multi loop: perform, collect finished transfers, poll. The wall time
// of a batch is that of its slowest transfer, which is what makes `verify` cost one
// fetch rather than the sum.
#include "agent/verify/curl_multi.h"

#include <mutex>

namespace dcv {

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlMulti::CurlMulti() {
  InitCurlOnce();
  multi_ = curl_multi_init();
}

CurlMulti::~CurlMulti() { curl_multi_cleanup(multi_); }

void CurlMulti::Add(CURL* easy) {
  curl_multi_add_handle(multi_, easy);
  ++active_;
}

void CurlMulti::Run(const std::function<void(CURL* easy, CURLcode code)>& on_done) {
  constexpr int kPollMs = 1000;  // an upper bound: curl wakes us earlier for its timers
  while (active_ > 0) {
    int running = 0;
    curl_multi_perform(multi_, &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      CURLcode code = message->data.result;
      curl_multi_remove_handle(multi_, easy);  // invalidates `message`
      --active_;
      on_done(easy, code);
    }
    if (active_ > 0) curl_multi_poll(multi_, nullptr, 0, kPollMs, nullptr);
  }
}

}  // namespace dcv
