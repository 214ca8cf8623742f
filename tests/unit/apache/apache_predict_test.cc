// Predictions for the constructs the corpus does not exercise, each on a small
// configuration: .htaccess read only where AllowOverride allows it, Redirect/RedirectMatch
// with $1, ProxyPass and its `!` exclusion, AliasMatch, FallbackResource, <LocationMatch>
// and <Files> denies, mod_access_compat, Require ip, [F], AuthType (401), and the deciding
// file:line.
#include <gtest/gtest.h>

#include "remediators/webserver/apache/apache_predict.h"
#include "tests/unit/apache/config_tree.h"

namespace dcv::apache {
namespace {

using testing::Tree;

const char* kHead =
    "Listen 80\n"
    "LoadModule alias_module x/mod_alias.so\n"
    "LoadModule rewrite_module x/mod_rewrite.so\n"
    "LoadModule proxy_module x/mod_proxy.so\n"
    "LoadModule dir_module x/mod_dir.so\n"
    "<Directory />\n  AllowOverride None\n  Require all denied\n</Directory>\n"
    "<Directory @ROOT@/www>\n  Require all granted\n</Directory>\n";

Answer Get(const Tree& t, const std::string& uri, const std::string& host = "a.test") {
  Result<Config> config = t.Load("httpd.conf");
  EXPECT_TRUE(config) << config.error().message;
  if (!config) return {};
  std::vector<Vhost> vhosts = CollectVhosts(*config);
  const Vhost& v = SelectVhost(vhosts, host, Endpoint{80, false, {}});
  return Predict(*config, v, Request{"http", host, 80, uri}, RealFiles());
}

std::string Vhost80(const std::string& body) {
  return std::string(kHead) + "<VirtualHost *:80>\nServerName a.test\nDocumentRoot @ROOT@/www\n" +
         body + "</VirtualHost>\n";
}

TEST(ApachePredict, HtaccessOnlyWhereAllowOverrideAllows) {
  const char* ht = "RewriteEngine On\nRewriteRule ^ https://b.test/ [R=302,L]\n";
  Tree closed({{"httpd.conf", Vhost80("")}, {"www/.htaccess", ht}, {"www/f.txt", "x"}});
  EXPECT_EQ(Get(closed, "/f.txt").status, 200);
  Tree open({{"httpd.conf", Vhost80("<Directory @ROOT@/www>\nAllowOverride All\n</Directory>\n")},
             {"www/.htaccess", ht}, {"www/f.txt", "x"}});
  Answer a = Get(open, "/f.txt");
  EXPECT_EQ(a.status, 302);
  EXPECT_EQ(a.location, "https://b.test/");
  EXPECT_EQ(a.source, open.path("www/.htaccess") + ":2");
  EXPECT_TRUE(a.via_htaccess);
}

TEST(ApachePredict, RedirectMatchSubstitutesGroupsAndRedirectKeepsTheRest) {
  Tree t({{"httpd.conf", Vhost80("RedirectMatch 301 ^/old/(.*)$ https://b.test/new/$1\n"
                                 "Redirect /x https://c.test/y\n")}});
  EXPECT_EQ(Get(t, "/old/p/q").location, "https://b.test/new/p/q");
  Answer r = Get(t, "/x/z");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.location, "https://c.test/y/z");
  EXPECT_EQ(r.source, t.path("httpd.conf") + ":17");
  EXPECT_EQ(Get(t, "/xz").outcome, Outcome::kFile);  // not a path-segment prefix
}

TEST(ApachePredict, ProxyPassHonoursItsExclusionsInOrder) {
  Tree t({{"httpd.conf", Vhost80("ProxyPass /.well-known/ !\nProxyPass / http://127.0.0.1:9/\n")},
          {"www/.well-known/pki-validation/t.txt", "x"}});
  EXPECT_EQ(Get(t, "/app").outcome, Outcome::kUpstream);
  Answer a = Get(t, "/.well-known/pki-validation/t.txt");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.docroot, t.path("www"));
}

TEST(ApachePredict, AliasMatchAndFallbackResource) {
  Tree t({{"httpd.conf",
           Vhost80("AliasMatch ^/files/(.*)$ @ROOT@/www/store/$1\n"
                   "<Directory @ROOT@/www>\nFallbackResource /index.php\n</Directory>\n")},
          {"www/store/a.txt", "x"}, {"www/index.php", "<?php"}});
  Answer alias = Get(t, "/files/a.txt");
  EXPECT_EQ(alias.status, 200);
  EXPECT_EQ(alias.file, t.path("www/store/a.txt"));
  EXPECT_EQ(alias.docroot, "");
  Answer fallback = Get(t, "/missing/page");
  EXPECT_EQ(fallback.status, 200);
  EXPECT_EQ(fallback.file, t.path("www/index.php"));
}

TEST(ApachePredict, DeniesFromLocationFilesCompatForbiddenAndAuth) {
  Tree t({{"httpd.conf",
           Vhost80("<LocationMatch \"^/priv\">\nRequire all denied\n</LocationMatch>\n"
                   "<Files \"secret.txt\">\nRequire all denied\n</Files>\n"
                   "<Directory @ROOT@/www/old>\nOrder deny,allow\nDeny from all\n</Directory>\n"
                   "<Location /auth>\nAuthType Basic\nRequire valid-user\n</Location>\n"
                   "RewriteEngine On\nRewriteRule ^/forbidden - [F]\n")},
          {"www/priv/a", "x"}, {"www/secret.txt", "x"}, {"www/old/a", "x"}, {"www/auth/a", "x"},
          {"www/ok.txt", "x"}});
  EXPECT_EQ(Get(t, "/priv/a").status, 403);
  EXPECT_EQ(Get(t, "/secret.txt").status, 403);
  EXPECT_EQ(Get(t, "/old/a").status, 403);
  EXPECT_EQ(Get(t, "/auth/a").status, 401);
  EXPECT_EQ(Get(t, "/forbidden").status, 403);
  EXPECT_EQ(Get(t, "/ok.txt").status, 200);
  EXPECT_EQ(Get(t, "/none.txt").status, 404);
}

// Require ip/host names addresses the CA is not on (nobody allow-lists a CA): denied; a
// RequireAll that grants all but some addresses, or a RequireAny with `all granted`, lets
// the CA through.
TEST(ApachePredict, RequireIpDeniesTheCaUnlessAllIsGranted) {
  Tree t({{"httpd.conf",
           Vhost80("<Location /office>\nRequire ip 10.0.0.0/8 192.168.1.0/24\n</Location>\n"
                   "<Location /open>\n<RequireAll>\nRequire all granted\nRequire not ip 203.0.113.9\n"
                   "</RequireAll>\n</Location>\n"
                   "<Location /either>\n<RequireAny>\nRequire host example.net\nRequire all granted\n"
                   "</RequireAny>\n</Location>\n")},
          {"www/office/a", "x"}, {"www/open/a", "x"}, {"www/either/a", "x"}});
  Answer office = Get(t, "/office/a");
  EXPECT_EQ(office.status, 403);
  EXPECT_EQ(office.source, t.path("httpd.conf") + ":17");  // the Require ip line
  EXPECT_EQ(Get(t, "/open/a").status, 200);
  EXPECT_EQ(Get(t, "/either/a").status, 200);
}

TEST(ApachePredict, DocumentRootOutsideAnyGrantIsDenied) {
  Tree t({{"httpd.conf", std::string(kHead) +
                             "<VirtualHost *:80>\nServerName a.test\nDocumentRoot @ROOT@/other\n"
                             "</VirtualHost>\n"},
          {"other/f.txt", "x"}});
  Answer a = Get(t, "/f.txt");
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.source, t.path("httpd.conf") + ":8");  // the Require all denied of <Directory />
}

}  // namespace
}  // namespace dcv::apache
