// Edit tests: the snippet's text and placement (indentation, brace followed by a
// directive), idempotence, byte-exact removal, the unified diff, and — when nginx is
// installed — that nginx itself accepts an edited corpus configuration (`nginx -t` with
// its own prefix and error log; it binds no port).
#include "remediators/webserver/nginx/nginx_edit.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "platform/process.h"
#include "tests/unit/nginx/corpus_case.h"

namespace dcv::nginx {
namespace {

Target FileTarget() {
  Target t;
  t.domains = {"example.test"};
  t.token = "fileauth.txt";
  t.content = "oracle-token-123";
  return t;
}

std::string EditOnce(const std::string& text, const Target& target) {
  auto config = ParseConfigText(text, "/t/nginx.conf");
  EXPECT_TRUE(config) << config.error().message;
  std::vector<const Directive*> servers;
  for (const Directive& d : config->root[0].children) servers.push_back(&d);
  auto edits = InsertSnippets(*config, servers, target, "/var/www/dcv-agent");
  return edits.empty() ? text : edits[0].after;
}

TEST(NginxEdit, SnippetTextFollowsCertbot) {
  auto lines = SnippetLines(FileTarget(), "/var/www/dcv-agent");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "# dcv-agent begin fileauth.txt");
  EXPECT_EQ(lines[1], "rewrite ^/\\.well-known/pki-validation/fileauth\\.txt$ $uri break;");
  EXPECT_EQ(lines[2],
            "location = /.well-known/pki-validation/fileauth.txt { root /var/www/dcv-agent; "
            "default_type text/plain; allow all; auth_basic off; }");
  Target acme = FileTarget();
  acme.method = Method::kAcmeHttp;
  EXPECT_NE(SnippetLines(acme, "/w")[2].find("/.well-known/acme-challenge/fileauth.txt"),
            std::string::npos);
}

TEST(NginxEdit, InsertsAtTopWithBlockIndentationAndRemovesExactly) {
  std::string text =
      "http {\n\tserver {  # main\n\t\tlisten 80;\n\t\treturn 301 https://$host;\n\t}\n"
      "    server { listen 81; return 404; }\n}\n";
  std::string after = EditOnce(text, FileTarget());
  EXPECT_NE(after.find("\tserver {  # main\n\t\t# dcv-agent begin fileauth.txt\n\t\trewrite"),
            std::string::npos)
      << after;
  EXPECT_NE(after.find("    server {\n        # dcv-agent begin fileauth.txt inline\n"),
            std::string::npos)
      << after;
  // Parses, and the rewrite comes first in both blocks.
  auto config = ParseConfigText(after, "/t/nginx.conf");
  ASSERT_TRUE(config) << config.error().message;
  for (const Directive& server : config->root[0].children) {
    EXPECT_EQ(server.children[0].name, "rewrite");
    EXPECT_EQ(server.children[1].name, "location");
  }
  EXPECT_EQ(EditOnce(after, FileTarget()), after);  // idempotent
  EXPECT_EQ(RemoveSnippets(after, "fileauth.txt"), text);
  EXPECT_EQ(RemoveSnippets(after, "other.txt"), after);
}

TEST(NginxEdit, RealNginxAcceptsEditedCorpusConfig) {
  const char* nginx = "/usr/sbin/nginx";
  if (!std::filesystem::exists(nginx)) GTEST_FAIL() << "nginx not installed (scripts/install-deps installs it)";
  for (std::string name : {"23-hosting-ifhost-rewrite", "24-hosting-basicauth-allowlist"}) {
    SCOPED_TRACE(name);
    testing::CorpusCase c(name);
    std::filesystem::create_directories(c.dir() + "/logs");
    auto config = LoadConfig({c.conf(), c.dir(), {}, 32});
    ASSERT_TRUE(config) << config.error().message;
    std::vector<const Directive*> servers;
    ForEachDirective(config->root, [&](const Directive& d) {
      if (d.name == "server" && d.has_block) servers.push_back(&d);
    });
    auto edits = InsertSnippets(*config, servers, FileTarget(), c.dir() + "/agent-root");
    ASSERT_FALSE(edits.empty());
    for (const auto& e : edits) std::ofstream(e.path) << e.after;
    SystemProcessRunner runner;
    ProcessResult r = runner.Run({nginx, "-q", "-t", "-c", c.conf(), "-p", c.dir() + "/", "-e",
                                  c.dir() + "/logs/error.log"});
    EXPECT_TRUE(r.ok()) << r.err;
  }
}

}  // namespace
}  // namespace dcv::nginx
