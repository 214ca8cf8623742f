// ServeProbe as `probe serve` runs it: announces itself on stdout, serves, and returns
// cleanly on SIGTERM; refuses listen addresses it cannot use.
#include <chrono>
#include <csignal>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <curl/curl.h>
#include <gtest/gtest.h>

#include "agent/verify/probe.h"
#include "script_server.h"

namespace dcv {
namespace {

// The status of GET url, 0 when there is no HTTP answer.
long GetStatus(const std::string& url) {
  CURL* easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 2000L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION,
                   +[](char*, std::size_t size, std::size_t count, void*) { return size * count; });
  long status = 0;
  if (curl_easy_perform(easy) == CURLE_OK) curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(easy);
  return status;
}

TEST(ServeProbeTest, AnnouncesServesAndStopsOnSigterm) {
  std::string listen = "127.0.0.1:" + std::to_string(testing::ClosedPort());
  ProbeServeOptions options;
  options.listen = listen;
  Result<void> served = MakeError("did not return");
  ::testing::internal::CaptureStdout();
  std::thread serve([&] { served = ServeProbe(options); });
  // An answer means Run() is going, so the signal handler is installed.
  long status = 0;
  for (int i = 0; i < 100 && status == 0; ++i) {
    status = GetStatus("http://" + listen + "/");
    if (status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 404);
  std::raise(SIGTERM);
  serve.join();
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "listening on " + listen + "\n");
  EXPECT_TRUE(served) << served.error().message;
}

TEST(ServeProbeTest, RefusesAnAddressInUse) {
  testing::ScriptServer taken;
  ProbeServeOptions options;
  options.listen = "127.0.0.1:" + std::to_string(taken.port());
  Result<void> served = ServeProbe(options);
  ASSERT_FALSE(served);
  EXPECT_NE(served.error().message.find("cannot listen on " + options.listen),
            std::string::npos);
  options.listen = "localhost:80";
  EXPECT_FALSE(ServeProbe(options));
}

}  // namespace
}  // namespace dcv
