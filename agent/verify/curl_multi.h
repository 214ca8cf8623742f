// A curl multi handle driven to completion on the calling thread: the verifier and the
// probe client both start many transfers at once and react as each one ends.
#pragma once

#include <functional>

#include <curl/curl.h>

namespace dcv {

/// Initializes libcurl once per process (thread-safe).
void InitCurlOnce();

class CurlMulti {
 public:
  CurlMulti();
  ~CurlMulti();
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  /// Starts `easy`; the caller keeps ownership and keeps it alive until it is reported done.
  void Add(CURL* easy);

  /// Runs until every added transfer has ended. `on_done` receives each ended handle,
  /// already removed from the multi handle, and may Add new ones.
  void Run(const std::function<void(CURL* easy, CURLcode code)>& on_done);

 private:
  CURLM* multi_;
  int active_ = 0;
};

}  // namespace dcv
