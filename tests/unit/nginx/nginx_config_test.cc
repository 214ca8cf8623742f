// Parser tests: nginx's tokenizer rules, include expansion with globs, and errors that
// name file:line. Include trees are written to a fresh temporary directory per test.
#include "remediators/webserver/nginx/nginx_config.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "remediators/webserver/nginx/nginx_lexer.h"

namespace dcv::nginx {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("nginx-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& rel, const std::string& text) const {
    fs::path p = path_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

std::vector<std::string> Words(std::string_view text) {
  Lexer lexer(text);
  std::vector<std::string> out;
  for (Token t = lexer.Next(); t.kind != TokenKind::kEnd; t = lexer.Next()) {
    if (t.kind == TokenKind::kError) return {"ERROR: " + t.text};
    out.push_back(t.kind == TokenKind::kWord         ? t.text
                  : t.kind == TokenKind::kSemicolon  ? ";"
                  : t.kind == TokenKind::kBlockStart ? "{"
                                                     : "}");
  }
  return out;
}

TEST(NginxLexer, QuotesEscapesCommentsAndVariables) {
  EXPECT_EQ(Words("a \"b c\" 'd;e' f\\ g;"),
            (std::vector<std::string>{"a", "b c", "d;e", "f\\ g", ";"}));  // as nginx
  EXPECT_EQ(Words("x a#b; # comment { ;\ny;"),
            (std::vector<std::string>{"x", "a#b", ";", "y", ";"}));
  EXPECT_EQ(Words("set $a ${host}x;"), (std::vector<std::string>{"set", "$a", "${host}x", ";"}));
  EXPECT_EQ(Words("location ~ /\\. {}"),
            (std::vector<std::string>{"location", "~", "/\\.", "{", "}"}));
  EXPECT_EQ(Words("if ($host != 'a.b') {}"),
            (std::vector<std::string>{"if", "($host", "!=", "a.b", ")", "{", "}"}));
  EXPECT_EQ(Words("return 200 \"a\\\"b\\n\";"),
            (std::vector<std::string>{"return", "200", "a\"b\n", ";"}));
  EXPECT_EQ(Words("a \"b\"c;")[0].rfind("ERROR", 0), 0u);
}

TEST(NginxConfig, RecordsFileLineAndBlockOffsets) {
  std::string text = "events {}\nhttp {\n  server {\n    listen 80;\n  }\n}\n";
  auto config = ParseConfigText(text, "/x/nginx.conf");
  ASSERT_TRUE(config) << config.error().message;
  const Directive& http = config->root[1];
  EXPECT_EQ(http.name, "http");
  const Directive& server = http.children[0];
  EXPECT_EQ(config->Where(server), "/x/nginx.conf:3");
  EXPECT_EQ(config->Where(server.children[0]), "/x/nginx.conf:4");
  EXPECT_EQ(text[server.block_open - 1], '{');
  EXPECT_EQ(text[server.block_close], '}');
  EXPECT_EQ(text.substr(server.offset, 6), "server");
}

TEST(NginxConfig, ErrorsNameFileAndLine) {
  struct Case {
    std::string text;
    std::string expected;
  } cases[] = {
      {"http {\n server {\n}\n", "/e.conf:4: unexpected end of file, expecting \"}\""},
      {"a b;\n}\n", "/e.conf:2: unexpected \"}\""},
      {"a b\n", "/e.conf:2: unexpected end of file, expecting \";\" or \"}\""},
      {"\n\n;", "/e.conf:3: unexpected \";\""},
      {"a \"open;\n", "/e.conf:1: unexpected end of file in a quoted string"},
  };
  for (const Case& c : cases) {
    auto config = ParseConfigText(c.text, "/e.conf");
    ASSERT_FALSE(config) << c.text;
    EXPECT_EQ(config.error().message, c.expected) << c.text;
  }
}

TEST(NginxConfig, IncludesGlobsInSortedOrderRelativeToConfDir) {
  TempDir dir;
  std::string main =
      dir.Write("nginx.conf", "http {\n  include sites/*.conf;\n  include extra.conf;\n}\n");
  dir.Write("sites/b.conf", "server { server_name b; }\n");
  dir.Write("sites/a.conf", "server { server_name a; }\n");
  dir.Write("sites/.hidden.conf", "server { server_name hidden; }\n");
  dir.Write("sites/c.txt", "server { server_name c; }\n");
  dir.Write("extra.conf", "\n\nmap $a $b { default 1; }\n");
  auto config = LoadConfig({main, "", {}, 32});
  ASSERT_TRUE(config) << config.error().message;
  const auto& http = config->root[0].children;
  ASSERT_EQ(http.size(), 3u);
  EXPECT_EQ(http[0].children[0].args[0], "a");
  EXPECT_EQ(http[1].children[0].args[0], "b");
  EXPECT_EQ(config->Where(http[2]), dir.path() + "/extra.conf:3");
  EXPECT_EQ(config->files.size(), 4u);
}

TEST(NginxConfig, EmptyGlobIsFineMissingFileIsNot) {
  TempDir dir;
  std::string main = dir.Write("nginx.conf", "include none/*.conf;\ninclude missing.conf;\n");
  auto config = LoadConfig({main, "", {}, 32});
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("nginx.conf:2:"), std::string::npos);
}

TEST(NginxConfig, IncludeLoopAndDepthAreBounded) {
  TempDir dir;
  std::string main = dir.Write("nginx.conf", "include a.conf;\n");
  dir.Write("a.conf", "x 1;\ninclude b.conf;\n");
  dir.Write("b.conf", "include a.conf;\n");
  auto config = LoadConfig({main, "", {}, 32});
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("include loop"), std::string::npos);
  EXPECT_NE(config.error().message.find("a.conf:2"), std::string::npos);
}

TEST(NginxConfig, ErrorInIncludedFileNamesThatFile) {
  TempDir dir;
  std::string main = dir.Write("nginx.conf", "http {\n include s/*;\n}\n");
  std::string bad = dir.Write("s/bad", "server {\n  listen 80\n}\n");
  auto config = LoadConfig({main, "", {}, 32});
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find(bad + ":3: unexpected \"}\""), std::string::npos)
      << config.error().message;
}

TEST(NginxConfig, OverridesReplaceFileContent) {
  TempDir dir;
  std::string main = dir.Write("nginx.conf", "http { include site; }\n");
  std::string site = dir.Write("site", "server { listen 80; }\n");
  LoadOptions options{main, "", {{site, "server { listen 8080; }\n"}}, 32};
  auto config = LoadConfig(options);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->root[0].children[0].children[0].args[0], "8080");
}

TEST(NginxConfig, TenThousandServerBlocksParseQuickly) {
  TempDir dir;
  std::string main = dir.Write("nginx.conf", "events {}\nhttp {\n  include sites/*.conf;\n}\n");
  for (int f = 0; f < 100; ++f) {
    std::string text;
    for (int i = 0; i < 100; ++i) {
      std::string n = std::to_string(f * 100 + i);
      text += "server {\n  listen 80;\n  listen [::]:443 ssl http2;\n  server_name site" + n +
              ".example www.site" + n + ".example;\n  root /srv/" + n +
              ";\n  ssl_certificate /etc/ssl/" + n +
              ".pem;\n  location / {\n    try_files $uri "
              "$uri/ /index.php?$args;\n  }\n  location ~ \\.php$ {\n    fastcgi_pass "
              "unix:/run/php.sock;\n  }\n}\n";
    }
    dir.Write("sites/" + std::to_string(f) + ".conf", text);
  }
  auto start = std::chrono::steady_clock::now();
  auto config = LoadConfig({main, "", {}, 32});
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->root[1].children.size(), 10000u);
  double ms = std::chrono::duration<double, std::milli>(elapsed).count();
  RecordProperty("parse_ms", std::to_string(ms));
  std::printf("parsed 10000 server blocks in %.1f ms\n", ms);
  EXPECT_LT(ms, 1000.0);
}

}  // namespace
}  // namespace dcv::nginx
