// Server selection tests: the socket stage (address:port, family, ipv6only, specific
// local addresses) and the name stage (exact, wildcards, regex, default_server, first).
#include "remediators/webserver/nginx/nginx_select.h"

#include <gtest/gtest.h>

namespace dcv::nginx {
namespace {

class SelectTest : public ::testing::Test {
 protected:
  void Load(const std::string& servers) {
    auto parsed = ParseConfigText("http {\n" + servers + "\n}\n", "/t/nginx.conf");
    ASSERT_TRUE(parsed) << parsed.error().message;
    config_ = std::move(*parsed);
    servers_ = CollectServers(config_);
  }
  /// The first server_name of the block chosen, "none" when nothing listens.
  std::string Pick(const std::string& host, int port = 80, bool ipv6 = false,
                   std::vector<std::string> local = {}) {
    auto s = SelectServer(servers_, host, Endpoint{port, ipv6, std::move(local)});
    return s ? s->server->names[0] : "none";
  }
  Config config_;
  std::vector<ServerBlock> servers_;
};

TEST_F(SelectTest, NoListenMeansPort80OnIpv4Only) {
  Load("server { server_name a; }");
  EXPECT_EQ(Pick("a"), "a");
  EXPECT_EQ(Pick("a", 80, true), "none");
  EXPECT_EQ(Pick("a", 443), "none");
}

TEST_F(SelectTest, Ipv6ListenIsIpv6OnlyUnlessIpv6onlyOff) {
  Load(
      "server { listen [::]:80; server_name six; }\n"
      "server { listen [::]:8080 ipv6only=off; server_name dual; }");
  EXPECT_EQ(Pick("six", 80, true), "six");
  EXPECT_EQ(Pick("six", 80, false), "none");
  EXPECT_EQ(Pick("dual", 8080, false), "dual");
  EXPECT_EQ(Pick("dual", 8080, true), "dual");
}

// Found by fuzz/nginx_config_fuzz (std::stoi threw out_of_range out of CollectServers): a
// listen port nginx itself refuses (too many digits, over 65535, zero) or an empty listen
// argument is skipped like the other forms selection cannot use, instead of ending the run.
TEST_F(SelectTest, ListenPortsNginxRefusesAreSkipped) {
  Load("server { listen 66666666666666666666666666666666; listen 70000; listen [::]:0;"
       " listen \"\"; server_name bad; }\n"
       "server { listen 8080; server_name good; }");
  ASSERT_EQ(servers_.size(), 2u);
  EXPECT_TRUE(servers_[0].listens.empty());
  ASSERT_EQ(servers_[1].listens.size(), 1u);
  EXPECT_EQ(servers_[1].listens[0].port, 8080);
  EXPECT_EQ(Pick("good", 8080), "good");
}

TEST_F(SelectTest, ListenForms) {
  Load(
      "server { listen 8000; server_name port; }\n"
      "server { listen *:8001; server_name star; }\n"
      "server { listen 0.0.0.0:8002 ssl; server_name zeros; }\n"
      "server { listen unix:/run/x.sock; server_name unix; }");
  EXPECT_EQ(Pick("port", 8000), "port");
  EXPECT_EQ(Pick("star", 8001), "star");
  EXPECT_EQ(Pick("zeros", 8002), "zeros");
  EXPECT_TRUE(servers_[2].listens[0].ssl);
  EXPECT_EQ(Pick("unix", 80), "none");
}

TEST_F(SelectTest, NamePrecedence) {
  Load(
      "server { listen 80; server_name first; }\n"
      "server { listen 80; server_name ~^www\\.(ex|zz)ample\\.com$; }\n"
      "server { listen 80; server_name *.example.com; }\n"
      "server { listen 80; server_name *.www.example.com; }\n"
      "server { listen 80; server_name www.example.*; }\n"
      "server { listen 80; server_name www.example.com.*; }\n"
      "server { listen 80; server_name www.example.com; }\n"
      "server { listen 80; server_name ~^(.+)\\.org$; }\n"
      "server { listen 80; server_name ~^a\\.(.+)\\.org$; }\n"
      "server { listen 80; server_name .dot.net; }");
  EXPECT_EQ(Pick("www.example.com"), "www.example.com");      // exact beats all
  EXPECT_EQ(Pick("WWW.Example.COM."), "www.example.com");     // case, trailing dot
  EXPECT_EQ(Pick("a.www.example.com"), "*.www.example.com");  // longest leading
  EXPECT_EQ(Pick("shop.example.com"), "*.example.com");
  EXPECT_EQ(Pick("www.example.com.au"), "www.example.com.*");  // longest trailing
  EXPECT_EQ(Pick("www.example.org"), "www.example.*");         // trailing beats regex
  EXPECT_EQ(Pick("a.b.org"), "~^(.+)\\.org$");                 // first regex in order
  EXPECT_EQ(Pick("dot.net"), ".dot.net");
  EXPECT_EQ(Pick("x.dot.net"), ".dot.net");
  EXPECT_EQ(Pick("unknown.test"), "first");  // first block
}

TEST_F(SelectTest, DefaultServerBeatsFirstBlock) {
  Load(
      "server { listen 80; server_name a; }\n"
      "server { listen 80 default_server; server_name b; }\n"
      "server { listen 443 ssl; server_name c; }");
  auto s = SelectServer(servers_, "zzz", Endpoint{80, false, {}});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->server->names[0], "b");
  EXPECT_EQ(s->how, MatchKind::kDefaultServer);
  EXPECT_FALSE(s->NameMatched());
  EXPECT_EQ(Pick("zzz", 443), "c");
}

TEST_F(SelectTest, SpecificLocalAddressTakesItsOwnServers) {
  Load(
      "server { listen 80; server_name wild; }\n"
      "server { listen 192.0.2.10:80; server_name specific; }\n"
      "server { listen 198.51.100.7:80; server_name elsewhere; }\n"
      "server { listen [2001:db8::1]:80; server_name six; }\n"
      "server { listen 127.0.0.1:80; server_name loop; }");
  // The host owns 192.0.2.10: connections to it see only the servers listening there.
  EXPECT_EQ(Pick("wild", 80, false, {"127.0.0.1", "192.0.2.10"}), "specific");
  // Without that address, the wildcard servers answer; loopback never counts.
  EXPECT_EQ(Pick("specific", 80, false, {"127.0.0.1", "203.0.113.1"}), "wild");
  EXPECT_EQ(Pick("x", 80, true, {"2001:db8::1"}), "six");
  EXPECT_EQ(Pick("x", 80, true, {"2001:db8::2"}), "none");
}

TEST_F(SelectTest, ServerNameMatchesReportsAllForms) {
  Load("server { server_name example.com *.example.net ~^api\\d+\\.example\\.org$; }");
  EXPECT_TRUE(ServerNameMatches(servers_[0], "example.com"));
  EXPECT_TRUE(ServerNameMatches(servers_[0], "www.example.net"));
  EXPECT_TRUE(ServerNameMatches(servers_[0], "api12.example.org"));
  EXPECT_FALSE(ServerNameMatches(servers_[0], "www.example.com"));
}

}  // namespace
}  // namespace dcv::nginx
