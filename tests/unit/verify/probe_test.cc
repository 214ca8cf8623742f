// The probe server and client together over loopback: authenticated queries, and every
// refusal (wrong key, stale timestamp, replay, forbidden URL, oversized request) happens
// before anything is fetched, which the scripted target server can tell. The target is on
// loopback, so the probe runs with allow_private, except where that refusal is the test.
#include <thread>

#include <curl/curl.h>
#include <gtest/gtest.h>

#include "agent/verify/probe.h"
#include "agent/verify/probe_auth.h"
#include "agent/verify/probe_server.h"
#include "script_server.h"

namespace dcv {
namespace {

using testing::ClosedPort;
using testing::ScriptServer;

struct RawAnswer {
  long status = 0;
  std::string body;
};

// POSTs `body` to the probe with the given signature headers, bypassing QueryProbes.
RawAnswer PostRaw(const std::string& url, const std::string& body,
                  const ProbeSignature& signature) {
  RawAnswer answer;
  CURL* easy = curl_easy_init();
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("X-DCV-Timestamp: " + signature.timestamp).c_str());
  headers = curl_slist_append(headers, ("X-DCV-Nonce: " + signature.nonce).c_str());
  headers = curl_slist_append(headers, ("X-DCV-Signature: " + signature.signature).c_str());
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION,
                   +[](char* data, std::size_t size, std::size_t count, void* out) {
                     static_cast<std::string*>(out)->append(data, size * count);
                     return size * count;
                   });
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &answer.body);
  if (curl_easy_perform(easy) == CURLE_OK) {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &answer.status);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(easy);
  return answer;
}

class ProbeTest : public ::testing::Test {
 protected:
  ProbeTest() {
    target_.Set("/f", {200, "token", "", {}});
    rules_.allowed_ports.push_back(target_.port());
    StartProbe("s3cret");
  }
  ~ProbeTest() override { StopProbe(); }

  void StartProbe(const std::string& key, bool allow_private = true) {
    ProbeServeOptions options;
    options.listen = "127.0.0.1:0";
    options.key = key;
    options.allow_private = allow_private;
    options.allowed_ports = {80, 443, target_.port()};
    Result<std::unique_ptr<ProbeServer>> server = ProbeServer::Start(options);
    ASSERT_TRUE(server) << server.error().message;
    probe_ = std::move(*server);
    probe_url_ = "http://" + probe_->endpoint();
    thread_ = std::thread([this] { probe_->Run(); });
  }

  void StopProbe() {
    if (!probe_) return;
    probe_->Stop();
    thread_.join();
    probe_.reset();
  }

  std::vector<CheckResult> Query(const std::string& key, const std::vector<FetchSpec>& specs) {
    return QueryProbes({probe_url_}, key, specs, rules_);
  }

  std::string SpecBody(const std::string& url) {
    return R"({"specs":[{"url":")" + url + R"(","family":"ipv4","expected_content":"token"}]})";
  }

  ScriptServer target_;
  FetchRules rules_;
  std::unique_ptr<ProbeServer> probe_;
  std::string probe_url_;
  std::thread thread_;
};

TEST_F(ProbeTest, AnswersWithTheRightKey) {
  std::vector<CheckResult> results =
      Query("s3cret", {{target_.Url("/f"), Family::kIpv4, "token"},
                       {target_.Url("/missing"), Family::kIpv4, "token"}});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].ok()) << results[0].error.value_or("");
  EXPECT_EQ(results[0].vantage, probe_url_);
  EXPECT_EQ(results[0].url, target_.Url("/f"));
  EXPECT_EQ(results[1].status, 404);
  EXPECT_EQ(target_.TotalRequests(), 2);
}

TEST_F(ProbeTest, WrongKeyIsRefusedBeforeAnyFetch) {
  std::vector<CheckResult> results = Query("wrong", {{target_.Url("/f"), Family::kIpv4, "token"}});
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].error);
  EXPECT_NE(results[0].error->find("probe " + probe_url_ + ": HTTP 401"), std::string::npos)
      << *results[0].error;
  EXPECT_EQ(results[0].vantage, probe_url_);
  EXPECT_EQ(target_.TotalRequests(), 0);
}

TEST_F(ProbeTest, StaleTimestampIsRefused) {
  std::string body = SpecBody(target_.Url("/f"));
  ProbeSignature stale = SignProbeRequest("s3cret", "POST", "/v1/fetch", body, UnixNow() - 400);
  RawAnswer answer = PostRaw(probe_url_ + "/v1/fetch", body, stale);
  EXPECT_EQ(answer.status, 401);
  EXPECT_NE(answer.body.find("timestamp"), std::string::npos) << answer.body;
  EXPECT_EQ(target_.TotalRequests(), 0);
}

TEST_F(ProbeTest, ReplayedNonceIsRefused) {
  std::string body = SpecBody(target_.Url("/f"));
  ProbeSignature signature = SignProbeRequest("s3cret", "POST", "/v1/fetch", body, UnixNow());
  EXPECT_EQ(PostRaw(probe_url_ + "/v1/fetch", body, signature).status, 200);
  RawAnswer replay = PostRaw(probe_url_ + "/v1/fetch", body, signature);
  EXPECT_EQ(replay.status, 401);
  EXPECT_NE(replay.body.find("replay"), std::string::npos) << replay.body;
  EXPECT_EQ(target_.TotalRequests(), 1);
}

TEST_F(ProbeTest, ForbiddenUrlsAreRefusedAndNothingIsFetched) {
  for (const std::string& url : {std::string("http://127.0.0.1:22/f"),
                                 std::string("file:///etc/passwd"),
                                 std::string("gopher://127.0.0.1/f")}) {
    std::vector<CheckResult> results =
        Query("s3cret", {{target_.Url("/f"), Family::kIpv4, "token"}, {url, Family::kIpv4, ""}});
    ASSERT_EQ(results.size(), 2u);
    ASSERT_TRUE(results[1].error) << url;
    EXPECT_NE(results[1].error->find("HTTP 400"), std::string::npos) << *results[1].error;
    EXPECT_TRUE(results[0].error) << "the whole request is refused";
  }
  EXPECT_EQ(target_.TotalRequests(), 0);
}

TEST_F(ProbeTest, ClientRulesCannotWidenThePorts) {
  unsigned short other = ClosedPort();
  rules_.allowed_ports.push_back(other);
  std::string url = "http://127.0.0.1:" + std::to_string(other) + "/f";
  std::vector<CheckResult> results = Query("s3cret", {{url, Family::kIpv4, "token"}});
  ASSERT_TRUE(results[0].error);
  EXPECT_NE(results[0].error->find("HTTP 400"), std::string::npos) << *results[0].error;
  EXPECT_FALSE(results[0].connect_failed);
}

TEST_F(ProbeTest, OversizedRequestIsRefused) {
  std::string body(70 * 1024, ' ');
  ProbeSignature signature = SignProbeRequest("s3cret", "POST", "/v1/fetch", body, UnixNow());
  EXPECT_EQ(PostRaw(probe_url_ + "/v1/fetch", body, signature).status, 413);
}

TEST_F(ProbeTest, UnreachableProbeYieldsOneErrorPerSpec) {
  std::string dead = "http://127.0.0.1:" + std::to_string(ClosedPort());
  std::vector<CheckResult> results =
      QueryProbes({dead, probe_url_}, "s3cret",
                  {{target_.Url("/f"), Family::kIpv4, "token"},
                   {target_.Url("/f"), Family::kIpv6, "token"}},
                  rules_);
  ASSERT_EQ(results.size(), 4u);
  for (int i : {0, 1}) {
    ASSERT_TRUE(results[i].error);
    EXPECT_EQ(results[i].error->rfind("probe " + dead + ": ", 0), 0u) << *results[i].error;
    EXPECT_EQ(results[i].vantage, dead);
  }
  EXPECT_EQ(results[1].family, "ipv6");
  EXPECT_TRUE(results[2].ok()) << results[2].error.value_or("");
  EXPECT_EQ(results[2].vantage, probe_url_);
  EXPECT_TRUE(results[3].no_address);  // 127.0.0.1 has no IPv6 address
}

TEST_F(ProbeTest, AnUnsignedAnswerIsNotTrusted) {
  // A fake "probe" that claims success without knowing the key.
  ScriptServer fake;
  fake.Set("/v1/fetch", {200,
                         R"({"results":[{"url":"x","family":"ipv4","status":200,)"
                         R"("content_match":true,"error":null}]})",
                         "", {}});
  std::string fake_url = "http://127.0.0.1:" + std::to_string(fake.port());
  std::vector<CheckResult> results =
      QueryProbes({fake_url}, "s3cret", {{target_.Url("/f"), Family::kIpv4, "token"}}, rules_);
  ASSERT_TRUE(results[0].error);
  EXPECT_NE(results[0].error->find("not signed"), std::string::npos) << *results[0].error;
  EXPECT_TRUE(QueryProbes({fake_url}, "", {{"x", Family::kIpv4, "token"}}, rules_)[0].ok());
}

TEST_F(ProbeTest, WithoutAKeyRequestsAreNotAuthenticated) {
  StopProbe();
  StartProbe("");
  std::vector<CheckResult> results = Query("", {{target_.Url("/f"), Family::kIpv4, "token"}});
  EXPECT_TRUE(results[0].ok()) << results[0].error.value_or("");
}

TEST_F(ProbeTest, LoopbackTargetIsRefusedWithoutAllowPrivate) {
  StopProbe();
  StartProbe("s3cret", false);
  std::vector<CheckResult> results = Query("s3cret", {{target_.Url("/f"), Family::kIpv4, "token"}});
  ASSERT_TRUE(results[0].error);
  EXPECT_NE(results[0].error->find("127.0.0.1 is a loopback address"), std::string::npos)
      << *results[0].error;
  EXPECT_NE(results[0].error->find("--allow-private"), std::string::npos) << *results[0].error;
  EXPECT_EQ(results[0].status, 0);
  EXPECT_EQ(target_.TotalRequests(), 0);
}

TEST_F(ProbeTest, UnauthenticatedFloodIsRefusedAndTheProbeStaysUseful) {
  std::string body = SpecBody(target_.Url("/f"));
  for (int i = 0; i < 300; ++i) {
    RawAnswer answer = PostRaw(probe_url_ + "/v1/fetch", body, ProbeSignature{});
    ASSERT_EQ(answer.status, 401) << answer.body;
  }
  EXPECT_EQ(target_.TotalRequests(), 0);
  EXPECT_TRUE(Query("s3cret", {{target_.Url("/f"), Family::kIpv4, "token"}})[0].ok());
}

TEST(ProbeListenTest, ParsesAddresses) {
  EXPECT_TRUE(ParseListenAddress("0.0.0.0:8080"));
  Result<boost::asio::ip::tcp::endpoint> v6 = ParseListenAddress("[::1]:9");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->address().is_v6());
  EXPECT_EQ(v6->port(), 9);
  EXPECT_FALSE(ParseListenAddress("8080"));
  EXPECT_FALSE(ParseListenAddress("host:80"));
  EXPECT_FALSE(ParseListenAddress("1.2.3.4:99999"));
  ProbeServeOptions bad;
  bad.listen = "127.0.0.1:x";
  EXPECT_FALSE(ProbeServer::Start(bad));
}

}  // namespace
}  // namespace dcv
