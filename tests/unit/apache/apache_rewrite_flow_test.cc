// mod_rewrite's flow flags and maps on small configurations, each answer checked against
// what mod_rewrite does with them: [C] skips the rest of a chain when a link does not
// match, [S=n] skips n rules when it matches (the if-then-else idiom), [N] runs the set
// again; RewriteMap txt and int lookups with their default, and a prg: map (a program the
// configuration cannot show) leaving the answer unknown.
#include <gtest/gtest.h>

#include "remediators/webserver/apache/apache_predict.h"
#include "remediators/webserver/apache/apache_rewrite.h"
#include "tests/unit/apache/config_tree.h"

namespace dcv::apache {
namespace {

using testing::Tree;

std::string VhostConf(const std::string& body) {
  return "Listen 80\nLoadModule rewrite_module x/mod_rewrite.so\n"
         "<Directory @ROOT@/www>\n  Require all granted\n</Directory>\n"
         "<VirtualHost *:80>\nServerName a.test\nDocumentRoot @ROOT@/www\nRewriteEngine On\n" +
         body + "</VirtualHost>\n";
}

Answer Get(const Tree& t, const std::string& uri) {
  Result<Config> config = t.Load("httpd.conf");
  EXPECT_TRUE(config) << config.error().message;
  if (!config) return {};
  std::vector<Vhost> vhosts = CollectVhosts(*config);
  return Predict(*config, SelectVhost(vhosts, "a.test", Endpoint{80, false, {}}),
                 Request{"http", "a.test", 80, uri}, RealFiles());
}

TEST(ApacheRewriteFlow, ChainSkipsItsRestWhenALinkDoesNotMatch) {
  Tree t({{"httpd.conf", VhostConf("RewriteRule ^/shop/ - [C]\nRewriteRule ^(.*)$ https://shop.test$1 [R=301,L]\n"
                               "RewriteRule ^/(.*)$ https://www.a.test/$1 [R=302,L]\n")}});
  Answer shop = Get(t, "/shop/x");
  EXPECT_EQ(shop.status, 301);
  EXPECT_EQ(shop.location, "https://shop.test/shop/x");
  Answer other = Get(t, "/.well-known/pki-validation/t.txt");  // the chained rule is skipped
  EXPECT_EQ(other.status, 302);
  EXPECT_EQ(other.location, "https://www.a.test/.well-known/pki-validation/t.txt");
  EXPECT_EQ(other.source, t.path("httpd.conf") + ":12");  // the third rule
}

TEST(ApacheRewriteFlow, SkipJumpsOverTheElseBranch) {
  Tree t({{"httpd.conf", VhostConf("RewriteRule ^/\\.well-known/ - [S=1]\nRewriteRule ^ https://b.test/ [R=301,L]\n")},
          {"www/.well-known/pki-validation/t.txt", "x"}});
  Answer served = Get(t, "/.well-known/pki-validation/t.txt");
  EXPECT_EQ(served.outcome, Outcome::kFile);
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(Get(t, "/index.html").status, 301);
}

TEST(ApacheRewriteFlow, NextRunsTheSetAgainOnTheNewValue) {
  Tree t({{"httpd.conf", VhostConf("RewriteRule ^/a/(.*)$ /$1 [N]\nRewriteRule ^/x$ https://x.test/ [R=302,L]\n")}});
  Answer a = Get(t, "/a/a/x");
  EXPECT_EQ(a.status, 302);
  EXPECT_EQ(a.location, "https://x.test/");
}

TEST(ApacheRewriteFlow, TextAndInternalMapsWithDefaults) {
  Tree t({{"httpd.conf",
           VhostConf("RewriteMap hosts txt:@ROOT@/hosts.map\nRewriteMap lc int:tolower\n"
                 "RewriteCond ${lc:%{HTTP_HOST}} ^a\\.test$\n"
                 "RewriteRule ^/go/(.*)$ https://${hosts:$1|fallback.test}/ [R=301,L]\n")},
          {"hosts.map", "# name  target\nshop shop.example   \nblog blog.example\n"}});
  EXPECT_EQ(Get(t, "/go/blog").location, "https://blog.example/");
  EXPECT_EQ(Get(t, "/go/none").location, "https://fallback.test/");
  Tree prg({{"httpd.conf", VhostConf("RewriteMap p prg:/usr/local/bin/mapper\n"
                                 "RewriteRule ^/(.*)$ https://${p:$1}/ [R=301,L]\n")}});
  EXPECT_EQ(Get(prg, "/.well-known/pki-validation/t.txt").outcome, Outcome::kUnknown);
}

TEST(ApacheRewriteFlow, LookUpRewriteMapDirectly) {
  EXPECT_EQ(LookUpRewriteMap({"int", "toupper", ""}, "a.test"), "A.TEST");
  EXPECT_EQ(LookUpRewriteMap({"int", "escape", ""}, "a b/c"), "a%20b/c");
  EXPECT_EQ(LookUpRewriteMap({"int", "unescape", ""}, "a%20b"), "a b");
  EXPECT_EQ(LookUpRewriteMap({"dbm", "/etc/x.db", ""}, "k"), std::nullopt);
  EXPECT_EQ(LookUpRewriteMap({"txt", "/nonexistent/map.txt", ""}, "k"), std::nullopt);
}

}  // namespace
}  // namespace dcv::apache
