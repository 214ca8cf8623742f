// Ground truth: every nginx case of the corpus (tests/fixtures/nginx/corpus, 24 real
// configurations with what nginx 1.22 answered, observed-source-placement.tsv). Each case is
// instantiated, the validation file placed where its SOURCE.md says and an index.html in
// every document root (as the oracle did), and every recorded row is predicted: the 8
// validation URLs (http/https x apex/www x IPv4/IPv6) and the other recorded URLs
// (/, /index.html, /some/app/path). The rates are printed; rows the model is known to get
// wrong are listed with their reason and must stay exactly those.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

#include "remediators/webserver/nginx/nginx_predict.h"
#include "tests/unit/nginx/corpus_case.h"

namespace dcv::nginx {
namespace {

/// True when the server block's ssl_ciphers offer only suites authenticated by an RSA key
/// (every enabled entry names RSA or is a plain-RSA suite like AES128-SHA) and TLS 1.3 is off.
bool OnlyRsaCiphers(const ServerBlock& server) {
  bool tls13 = true, rsa_only = false;
  for (const Directive& d : server.directive->children) {
    if (d.name == "ssl_protocols") {
      tls13 = std::find(d.args.begin(), d.args.end(), "TLSv1.3") != d.args.end();
    }
    if (d.name != "ssl_ciphers" || d.args.empty()) continue;
    rsa_only = true;
    std::istringstream list(d.args[0]);
    for (std::string suite; std::getline(list, suite, ':');) {
      if (suite.empty() || suite[0] == '!') continue;
      const bool plain_rsa = suite.find("ECDHE") == std::string::npos && suite.find("DHE") == std::string::npos;
      if (suite.find("RSA") == std::string::npos && !plain_rsa) rsa_only = false;
      if (suite.find("ECDSA") != std::string::npos) rsa_only = false;
    }
  }
  return rsa_only && !tls13;
}


/// One recorded row against the prediction: "" when they agree, else what differs.
std::string Disagreement(const Config& config, const std::vector<ServerBlock>& servers,
                         const testing::Observed& row, const std::string& uri) {
  bool https = row.url.rfind("https://", 0) == 0;
  std::string host = row.url.substr(https ? 8 : 7);
  host = host.substr(0, host.find('/'));
  int port = https ? 443 : 80;
  auto sel = SelectServer(servers, host, Endpoint{port, row.family == "ipv6", {}});
  if (row.status == "conn-refused") return sel ? "a server was selected" : "";
  if (!sel) return "no server selected";
  if (row.status == "tls-error") {
    // The handshake failed: the case's ssl_ciphers admit RSA-authenticated suites only,
    // the oracle's certificate is EC P-256. The configuration alone cannot say so (the key
    // type is in the certificate); the verifier sees it over the network.
    return https && OnlyRsaCiphers(*sel->server) ? "" : "a TLS failure this test cannot explain";
  }
  Answer a = Predict(config, *sel->server, Request{https ? "https" : "http", host, port, uri}, RealFiles());
  if (row.status == "empty-reply") return a.outcome == Outcome::kNoResponse ? "" : DescribeAnswer(config, a);
  if (row.body.rfind("upstream:", 0) == 0) return a.outcome == Outcome::kUpstream ? "" : DescribeAnswer(config, a);
  if (std::to_string(a.status) != row.status || (a.location.empty() ? "-" : a.location) != row.location) {
    return DescribeAnswer(config, a);
  }
  if (row.body == "token" && a.outcome != Outcome::kFile) return "not served from a file: " + DescribeAnswer(config, a);
  return "";
}

std::string PathOf(const std::string& url) {
  size_t slash = url.find('/', url.find("://") + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

void CheckCorpusCase(const std::string& name) {
  SCOPED_TRACE(name);
  testing::CorpusCase c(name);
  c.PlaceValidationFile("oracle-token-123");
  auto config = LoadConfig({c.conf(), c.dir(), {}, 32});
  ASSERT_TRUE(config) << config.error().message;
  auto servers = CollectServers(*config);
  auto rows = c.ObservedValidationRows();
  ASSERT_EQ(rows.size(), 8u);
  for (const auto& row : rows) {
    EXPECT_EQ(Disagreement(*config, servers, row, "/.well-known/pki-validation/fileauth.txt"), "")
        << row.url << " " << row.family << ": observed " << row.status << " " << row.location;
  }
}

class PredictCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(PredictCorpus, MatchesWhatNginxAnswered) { CheckCorpusCase(GetParam()); }

std::vector<std::string> AllCorpusCases() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(DCV_FIXTURES) + "/nginx/corpus")) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Corpus, PredictCorpus, ::testing::ValuesIn(AllCorpusCases()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = "case_" + info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(PredictCorpusSize, HasEveryNginxCase) { EXPECT_EQ(AllCorpusCases().size(), 24u); }

// "case url family" of rows the model is known to get wrong, with the reason.
// Nextcloud's `location = /` tests `if ($http_user_agent ~ ^DavClnt)`: the User-Agent is the
// client's (the oracle's curl, a CA's own string), which the model does not guess: unknown.
const std::set<std::string> kKnownAllUrlMismatches = {
    "09-nextcloud https://example.test/ ipv4",
    "09-nextcloud https://www.example.test/ ipv4",
    "09-nextcloud https://example.test/ ipv6",
    "09-nextcloud https://www.example.test/ ipv6",
};

// Every recorded URL, the validation URL's and the others': the agreement rate over all
// 768 rows is printed.
TEST(NginxCorpus, AllUrlPredictionsAgreeWithTheRealServer) {
  int rows = 0, agree = 0;
  std::set<std::string> mismatched;
  for (const std::string& name : AllCorpusCases()) {
    testing::CorpusCase c(name);
    c.PlaceValidationFile("oracle-token-123");
    auto config = LoadConfig({c.conf(), c.dir(), {}, 32});
    ASSERT_TRUE(config) << name << ": " << config.error().message;
    c.PlaceIndexFiles(*config);
    auto servers = CollectServers(*config);
    for (const testing::Observed& row : c.ObservedRows()) {
      ++rows;
      std::string uri = PathOf(row.url);
      if (uri.find("/.well-known/pki-validation/") == 0) uri = "/.well-known/pki-validation/fileauth.txt";
      std::string why = Disagreement(*config, servers, row, uri);
      if (why.empty()) {
        ++agree;
        continue;
      }
      std::string key = name + " " + row.url + " " + row.family;
      mismatched.insert(key);
      std::cout << "MISMATCH " << key << ": predicted " << why << ", observed " << row.status << " "
                << row.location << "\n";
    }
  }
  std::cout << "nginx corpus: all URL predictions agree on " << agree << "/" << rows << " rows\n";
  EXPECT_EQ(rows, 768);
  EXPECT_EQ(mismatched, kKnownAllUrlMismatches);
}

}  // namespace
}  // namespace dcv::nginx
