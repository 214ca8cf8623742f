// <If>/<ElseIf>/<Else> on small configurations: the canonical-host redirect of httpd's own
// documentation, HTTPS tests, Require inside <If> on the validation path, the first
// matching branch of a chain, and an expression on the client address (which the CA's
// request does not decide) making the answer unknown. The evaluator on its own too.
#include <gtest/gtest.h>

#include "remediators/webserver/apache/apache_expr.h"
#include "remediators/webserver/apache/apache_predict.h"
#include "tests/unit/apache/config_tree.h"

namespace dcv::apache {
namespace {

using testing::Tree;

std::string Site(const std::string& body) {
  return "Listen 80\nLoadModule alias_module x/mod_alias.so\n"
         "<Directory @ROOT@/www>\n  Require all granted\n</Directory>\n"
         "<VirtualHost *:80>\nServerName a.test\nServerAlias www.a.test\nDocumentRoot @ROOT@/www\n" +
         body + "</VirtualHost>\n";
}

Answer Get(const Tree& t, const std::string& host, const std::string& uri) {
  Result<Config> config = t.Load("httpd.conf");
  EXPECT_TRUE(config) << config.error().message;
  if (!config) return {};
  std::vector<Vhost> vhosts = CollectVhosts(*config);
  return Predict(*config, SelectVhost(vhosts, host, Endpoint{80, false, {}}), Request{"http", host, 80, uri},
                 RealFiles());
}

const std::string kPath = "/.well-known/pki-validation/t.txt";

TEST(ApacheIf, CanonicalHostRedirectOnlyForTheOtherName) {
  Tree t({{"httpd.conf", Site("<If \"%{HTTP_HOST} != 'www.a.test'\">\n  Redirect \"/\" \"http://www.a.test/\"\n</If>\n")},
          {"www/.well-known/pki-validation/t.txt", "x"}});
  Answer apex = Get(t, "a.test", kPath);
  EXPECT_EQ(apex.status, 302);
  EXPECT_EQ(apex.location, "http://www.a.test" + kPath);
  EXPECT_EQ(apex.source, t.path("httpd.conf") + ":11");
  Answer www = Get(t, "www.a.test", kPath);
  EXPECT_EQ(www.outcome, Outcome::kFile);
  EXPECT_EQ(www.status, 200);
}

TEST(ApacheIf, FirstHoldingBranchOfAChainDecides) {
  Tree t({{"httpd.conf",
           Site("<If \"%{REQUEST_URI} =~ m#^/\\.well-known/#\">\n  Require all denied\n</If>\n"
                "<ElseIf \"-f %{REQUEST_FILENAME}\">\n  Require all granted\n</ElseIf>\n"
                "<Else>\n  Redirect 301 / https://b.test/\n</Else>\n")},
          {"www/.well-known/pki-validation/t.txt", "x"}, {"www/index.html", "i"}});
  EXPECT_EQ(Get(t, "a.test", kPath).status, 403);
  EXPECT_EQ(Get(t, "a.test", "/index.html").status, 200);
  Answer other = Get(t, "a.test", "/missing");
  EXPECT_EQ(other.status, 301);
  EXPECT_EQ(other.location, "https://b.test/missing");
}

TEST(ApacheIf, ClientAddressIsNotDecidedByTheRequest) {
  Tree t({{"httpd.conf", Site("<If \"-R '10.0.0.0/8'\">\n  Require all denied\n</If>\n")}});
  Answer a = Get(t, "a.test", kPath);
  EXPECT_EQ(a.outcome, Outcome::kUnknown);
  EXPECT_EQ(a.source, t.path("httpd.conf") + ":10");
}

TEST(ApacheIf, ExpressionsOnTheRequest) {
  Request https{"https", "Www.A.test", 443, kPath};
  FileView none{[](const std::string&) { return false; }, [](const std::string&) { return false; },
                [](const std::string&) { return std::nullopt; }};
  ExprContext ctx{&https, kPath, "/srv" + kPath, "/srv", &none};
  EXPECT_EQ(EvalExpr("%{HTTPS} == 'on' && %{SERVER_PORT} -eq 443", ctx), true);
  EXPECT_EQ(EvalExpr("tolower(%{HTTP_HOST}) in { 'a.test', 'www.a.test' }", ctx), true);
  EXPECT_EQ(EvalExpr("%{HTTP_HOST} =~ /^www\\./i && !(%{REQUEST_URI} -strmatch '/app/*')", ctx), true);
  EXPECT_EQ(EvalExpr("req('X-Forwarded-Proto') == 'https' || -f %{REQUEST_FILENAME}", ctx), false);
  EXPECT_EQ(EvalExpr("%{REMOTE_ADDR} == '192.0.2.1'", ctx), std::nullopt);
  EXPECT_EQ(EvalExpr("%{HTTP_HOST} == 'unterminated", ctx), std::nullopt);
}

}  // namespace
}  // namespace dcv::apache
