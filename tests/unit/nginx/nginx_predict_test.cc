// Prediction tests: synthetic configurations for each rule (server-level return and
// rewrite, if ($host), dotfile deny, ^~ against regex, nested locations, try_files,
// alias, proxy_pass, auth, error_page, map). The corpus is checked in nginx_corpus_test.cc.
#include "remediators/webserver/nginx/nginx_predict.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "tests/unit/nginx/corpus_case.h"

namespace dcv::nginx {
namespace {

const std::string kPath = "/.well-known/pki-validation/f.txt";

class PredictTest : public ::testing::Test {
 protected:
  /// Parses one server block (inside http) and predicts `host`'s request on `scheme`.
  Answer Ask(const std::string& server, const std::string& scheme = "http",
             const std::string& host = "example.com") {
    auto parsed = ParseConfigText("http {\n" + server + "\n}\n", "/t/nginx.conf");
    EXPECT_TRUE(parsed) << parsed.error().message;
    config_ = std::move(*parsed);
    servers_ = CollectServers(config_);
    int port = scheme == "https" ? 443 : 80;
    auto sel = SelectServer(servers_, host, Endpoint{port, false, {}});
    EXPECT_TRUE(sel);
    Request request{scheme, host, port, kPath};
    return Predict(config_, *sel->server, request, files_);
  }
  std::string Line(const Answer& a) const {
    return a.decider ? std::to_string(a.decider->line) : "none";
  }

  std::set<std::string> existing_;
  FileView files_{[this](const std::string& p) { return existing_.count(p) > 0; },
                  [](const std::string&) { return false; }};
  Config config_;
  std::vector<ServerBlock> servers_;
};

TEST_F(PredictTest, ServerLevelReturn301) {
  Answer a =
      Ask("server {\n listen 80;\n root /srv;\n"
          " return 301 https://$host$request_uri;\n location / { }\n}");
  EXPECT_EQ(a.outcome, Outcome::kRedirect);
  EXPECT_EQ(a.status, 301);
  EXPECT_EQ(a.location, "https://example.com" + kPath);
  EXPECT_EQ(Line(a), "5");
}

TEST_F(PredictTest, IfHostReturnAndRewritePermanent) {
  Answer a = Ask("server {\n if ($host = example.com) {\n  return 302 /moved;\n }\n}");
  EXPECT_EQ(a.status, 302);
  EXPECT_EQ(a.location, "http://example.com/moved");
  a =
      Ask("server {\n if ($host != 'www.example.com') {\n"
          "  rewrite ^/(.*)$ http://www.example.com/$1 permanent;\n }\n}");
  EXPECT_EQ(a.status, 301);
  EXPECT_EQ(a.location, "http://www.example.com" + kPath);
  a = Ask("server {\n if ($scheme = http) { return 301 https://$host$uri; }\n root /r;\n}", "http");
  EXPECT_EQ(a.status, 301);
}

TEST_F(PredictTest, DotfileDenyBeatsPrefixButNotCaretTilde) {
  std::string base =
      " listen 80;\n root /srv;\n location / { try_files $uri =404; }\n"
      " location ~ /\\. { deny all; }\n";
  Answer a = Ask("server {\n" + base + "}");
  EXPECT_EQ(a.outcome, Outcome::kStatus);
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(a.denied);
  EXPECT_EQ(Line(a), "6");
  existing_ = {"/srv" + kPath};
  a = Ask("server {\n" + base + " location ^~ /.well-known/ { }\n}");
  EXPECT_EQ(a.outcome, Outcome::kFile);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.file, "/srv" + kPath);
  EXPECT_EQ(a.docroot, "/srv");
  // A longer plain prefix does not stop the regex.
  a = Ask("server {\n" + base + " location /.well-known/pki-validation/ { }\n}");
  EXPECT_EQ(a.status, 403);
}

TEST_F(PredictTest, RegexOrderCaselessAndNested) {
  Answer a =
      Ask("server {\n location ~* \\.TXT$ { return 410; }\n"
          " location ~ \\.txt$ { return 404; }\n}");
  EXPECT_EQ(a.status, 410);
  a =
      Ask("server {\n location /.well-known/ {\n  location ~ f\\.txt$ { return 418; }\n }\n"
          " location ~ \\.txt$ { return 404; }\n}");
  EXPECT_EQ(a.status, 418);  // nested regex of the longest prefix is tried first
  a = Ask("server {\n location = " + kPath + " { return 204; }\n location ~ . { return 404; }\n}");
  EXPECT_EQ(a.status, 204);
}

TEST_F(PredictTest, TryFilesFallbackToFrontControllerAndUpstream) {
  std::string server =
      "server {\n root /app/public;\n location / { try_files $uri $uri/ /index.php?$args; }\n"
      " location ~ \\.php$ { fastcgi_pass 127.0.0.1:9000; }\n}";
  Answer a = Ask(server);
  EXPECT_EQ(a.outcome, Outcome::kUpstream);
  EXPECT_EQ(Line(a), "5");
  existing_ = {"/app/public" + kPath};
  a = Ask(server);
  EXPECT_EQ(a.outcome, Outcome::kFile);
  EXPECT_EQ(a.file, "/app/public" + kPath);
}

TEST_F(PredictTest, ProxyPassAliasAndDefaultRoot) {
  EXPECT_EQ(Ask("server {\n location / { proxy_pass http://app; }\n}").outcome, Outcome::kUpstream);
  Answer a = Ask("server {\n location /.well-known/pki-validation/ { alias /v/; }\n}");
  EXPECT_EQ(a.file, "/v/f.txt");
  EXPECT_EQ(a.docroot, "");
  EXPECT_EQ(a.status, 404);
  a = Ask("server {\n location ~ ^/(\\.well-known)/(.*)$ { alias /w/$1/$2; }\n}");
  EXPECT_EQ(a.file, "/w/.well-known/pki-validation/f.txt");
  a = Ask("server { }");
  EXPECT_EQ(a.file, "/t/html" + kPath);  // <prefix>/html
}

TEST_F(PredictTest, AccessRules) {
  EXPECT_EQ(Ask("server {\n auth_basic \"x\";\n}").status, 401);
  EXPECT_EQ(Ask("server {\n auth_basic \"x\";\n location / { auth_basic off; }\n}").status, 404);
  EXPECT_EQ(Ask("server {\n allow 10.0.0.0/8;\n deny all;\n}").status, 403);
  EXPECT_EQ(Ask("server {\n deny all;\n location / { allow all; }\n}").status, 404);
  EXPECT_EQ(Ask("server {\n satisfy any;\n auth_basic x;\n allow all;\n}").status, 404);
  EXPECT_EQ(Ask("server {\n satisfy any;\n auth_basic x;\n deny all;\n}").status, 401);
}

TEST_F(PredictTest, RewriteLastRestartsBreakStays) {
  Answer a =
      Ask("server {\n rewrite ^/\\.well-known/(.*)$ /wk/$1 last;\n"
          " location /wk/ { return 200 moved; }\n}");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "moved");
  a =
      Ask("server {\n root /r;\n location / {\n  rewrite ^ /other break;\n }\n"
          " location /other { return 500; }\n}");
  EXPECT_EQ(a.file, "/r/other");
}

TEST_F(PredictTest, UnknownIsHonest) {
  Answer a = Ask("server {\n if ($remote_addr = 1.2.3.4) { return 403; }\n}");
  EXPECT_EQ(a.outcome, Outcome::kUnknown);
  EXPECT_EQ(Line(a), "3");
  a = Ask("server {\n location / { content_by_lua_block { ngx.say(\"}\") -- }\n } }\n}");
  EXPECT_EQ(a.outcome, Outcome::kUnknown);
  EXPECT_EQ(Ask("server {\n return 444;\n}").outcome, Outcome::kNoResponse);
}

// error_page replaces the answers nginx generates itself, as nginx 1.22 does.
TEST_F(PredictTest, ErrorPageToAnUrlRedirectsAMissingFile) {
  Answer a = Ask("server {\n root /srv;\n error_page 404 https://example.com/missing;\n}");
  EXPECT_EQ(a.outcome, Outcome::kRedirect);
  EXPECT_EQ(a.status, 302);
  EXPECT_EQ(a.location, "https://example.com/missing");
  EXPECT_EQ(Line(a), "4");
  a = Ask("server {\n root /srv;\n error_page 404 =301 https://example.com/;\n}");
  EXPECT_EQ(a.status, 301);
  existing_ = {"/srv" + kPath};  // the file there: no error, no error page
  a = Ask("server {\n root /srv;\n error_page 404 https://example.com/missing;\n}");
  EXPECT_EQ(a.outcome, Outcome::kFile);
  EXPECT_EQ(a.status, 200);
}

TEST_F(PredictTest, ErrorPageUriKeepsTheStatusUnlessTold) {
  existing_ = {"/srv/404.html", "/srv/index.html"};
  Answer a = Ask("server {\n root /srv;\n error_page 404 /404.html;\n}");
  EXPECT_EQ(a.outcome, Outcome::kStatus);
  EXPECT_EQ(a.status, 404);
  EXPECT_NE(a.note.find("error_page at /t/nginx.conf:4"), std::string::npos) << a.note;
  a = Ask("server {\n root /srv;\n error_page 404 =200 /index.html;\n}");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.outcome, Outcome::kStatus);  // 200, but with another file's body
  a = Ask("server {\n root /srv;\n location / { return 404; }\n location = /404.html { }\n"
          " error_page 404 = /404.html;\n}");
  EXPECT_EQ(a.outcome, Outcome::kFile);  // a bare `=`: the page's own answer
  EXPECT_EQ(a.status, 200);
  a = Ask("server {\n root /srv;\n location / { return 404 \"gone\"; }\n error_page 404 /404.html;\n}");
  EXPECT_EQ(a.outcome, Outcome::kStatus);  // a return with text is not intercepted
  EXPECT_EQ(a.body, "gone");
}

TEST_F(PredictTest, ErrorPageNamedLocationAndInnermostListOnly) {
  Answer a = Ask("server {\n root /srv;\n location / { deny all; error_page 403 = @app; }\n"
                 " location @app { proxy_pass http://127.0.0.1:3000; }\n}");
  EXPECT_EQ(a.outcome, Outcome::kUpstream) << a.note;
  // The location has its own error_page list: the server's is not inherited into it.
  a = Ask("server {\n root /srv;\n error_page 404 https://example.com/;\n"
          " location / { error_page 500 /50x.html; }\n}");
  EXPECT_EQ(a.outcome, Outcome::kFile);
  EXPECT_EQ(a.status, 404);
  a = Ask("server {\n root /srv;\n location / { }\n}\nerror_page 404 https://example.com/x;");
  EXPECT_EQ(a.outcome, Outcome::kRedirect);  // from the http level
}

// The phases in nginx's order: try_files before the *_pass handler, `internal` admitting
// redirected requests only, a flagless rewrite in a location restarting the search, index.
TEST_F(PredictTest, PhasesTryFilesInternalRewriteAndIndex) {
  std::string php =
      " root /srv;\n location / { try_files $uri /index.php$is_args$args; }\n"
      " location ~ ^/index\\.php(/|$) { internal; fastcgi_pass 127.0.0.1:9000; }\n"
      " location ~ \\.php$ { try_files $fastcgi_script_name =404; fastcgi_pass 127.0.0.1:9000; }\n";
  Answer a = Ask("server {\n" + php + "}");
  EXPECT_EQ(a.outcome, Outcome::kUpstream) << a.note;  // the try_files fallback is internal
  existing_ = {};
  a = Ask("server {\n" + php + "}");
  EXPECT_EQ(a.outcome, Outcome::kUpstream);
  Request direct{"http", "example.com", 80, "/index.php"};
  EXPECT_EQ(Predict(config_, *SelectServer(servers_, "example.com", Endpoint{80, false, {}})->server, direct,
                    files_).status, 404);  // asked directly: `internal` hides it
  Request other{"http", "example.com", 80, "/x.php"};
  EXPECT_EQ(Predict(config_, *SelectServer(servers_, "example.com", Endpoint{80, false, {}})->server, other,
                    files_).status, 404);  // try_files =404 before fastcgi_pass
  existing_ = {"/srv/index.html"};
  a = Ask("server {\n root /srv;\n location ~ ^/[^/]+/(.*)$ { rewrite ^/[^/]+/(.*)$ /$1; }\n"
          " location = /pki-validation/f.txt { return 410; }\n}");
  EXPECT_EQ(a.status, 410);  // /.well-known/... rewritten without a flag: searched again
  Request dir{"http", "example.com", 80, "/"};
  a = Predict(config_, *SelectServer(servers_, "example.com", Endpoint{80, false, {}})->server, dir, files_);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.file, "/srv/index.html");
}

// map at http level: exact (case-insensitive), hostnames wildcards, regexes with captures,
// default; a map over a value the CA's request does not determine stays unknown.
TEST_F(PredictTest, MapValuesDecideReturnAndIf) {
  const std::string maps =
      "map $host $canonical {\n hostnames;\n default www.example.org;\n EXAMPLE.com apex.example.org;\n"
      " *.example.com sub.example.org;\n}\n"
      "map $request_uri $legacy {\n ~^/old/(?<rest>.*)$ /new/$rest;\n ~*^/\\.WELL-known/ \"\";\n default /x;\n}\n"
      "map $remote_addr $office {\n 10.0.0.1 1;\n default 0;\n}\n";
  Answer a = Ask(maps + "server {\n return 301 https://$canonical$request_uri;\n}");
  EXPECT_EQ(a.location, "https://apex.example.org" + kPath);
  a = Ask(maps + "server {\n server_name a.example.com;\n return 301 https://$canonical/;\n}", "http",
          "a.example.com");
  EXPECT_EQ(a.location, "https://sub.example.org/");
  a = Ask(maps + "server {\n root /srv;\n if ($legacy) { return 302 $legacy; }\n}");
  EXPECT_EQ(a.outcome, Outcome::kFile) << a.note;  // the caseless regex maps the path to ""
  EXPECT_EQ(a.status, 404);
  a = Ask(maps + "server {\n if ($office = 0) { return 403; }\n}");
  EXPECT_EQ(a.outcome, Outcome::kUnknown);
  EXPECT_NE(a.note.find("if condition not evaluated"), std::string::npos) << a.note;
}


}  // namespace
}  // namespace dcv::nginx
