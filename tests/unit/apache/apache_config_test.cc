// Parser and vhost-selection tests: Debian's a2ensite layout (corpus case 01) read with
// file:line, modules from mods-enabled making <IfModule> true, Define/${VAR}; RHEL's
// conf.d layout; Include errors, dotfiles skipped by globs, continuation lines, an
// unclosed section; and name-based / default / IP-based VirtualHost selection.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "remediators/webserver/apache/apache_config.h"
#include "remediators/webserver/apache/apache_vhost.h"
#include "tests/unit/apache/config_tree.h"
#include "tests/unit/apache/corpus_case.h"

namespace dcv::apache {
namespace {

using testing::Tree;

TEST(ApacheConfig, ReadsDebianLayoutWithFileAndLine) {
  testing::CorpusCase c("01-debian-default");
  Result<Config> config = LoadConfig(c.Options());
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->HasModule("ssl_module"));
  EXPECT_TRUE(config->HasModule("mod_ssl.c"));
  EXPECT_FALSE(config->HasModule("rewrite_module"));
  std::vector<Vhost> vhosts = CollectVhosts(*config);
  ASSERT_EQ(vhosts.size(), 3u);  // main server + 000-default + default-ssl
  EXPECT_EQ(vhosts[1].where, c.dir() + "/sites-enabled/000-default.conf:1");
  EXPECT_FALSE(vhosts[1].ssl);
  EXPECT_TRUE(vhosts[2].ssl);
  bool log_dir_substituted = false;
  ForEachDirective(config->root, [&](const Directive& d) {
    if (d.Is("ErrorLog") && d.Arg(0) == c.dir() + "/logs/error.log") log_dir_substituted = true;
  });
  EXPECT_TRUE(log_dir_substituted);
  std::vector<ListenSocket> listens = CollectListens(*config);
  ASSERT_EQ(listens.size(), 2u);  // Listen 80, and 443 inside <IfModule ssl_module>
  EXPECT_EQ(listens[1].port, 443);
}

TEST(ApacheConfig, ReadsRhelConfDLayoutAndSkipsDotfiles) {
  Tree t({{"conf/httpd.conf", "Listen 80\nInclude conf.d/*.conf\n"},
          {"conf.d/a.conf", "<VirtualHost *:80>\n  ServerName a.test\n</VirtualHost>\n"},
          {"conf.d/.hidden.conf", "<VirtualHost *:80>\n  ServerName hidden.test\n</VirtualHost>\n"},
          {"conf.d/b.conf", "<VirtualHost *:80>\n  ServerName b.test\n  ServerAlias \\\n"
                            "    *.b.test\n</VirtualHost>\n"}});
  Result<Config> config = t.Load("conf/httpd.conf");
  ASSERT_TRUE(config) << config.error().message;
  std::vector<Vhost> vhosts = CollectVhosts(*config);
  ASSERT_EQ(vhosts.size(), 3u);
  EXPECT_EQ(vhosts[1].server_name, "a.test");
  EXPECT_EQ(vhosts[2].where, t.path("conf.d/b.conf") + ":1");
  EXPECT_EQ(vhosts[2].aliases, std::vector<std::string>{"*.b.test"});  // continued line
}

TEST(ApacheConfig, IncludeErrorsNameFileAndLine) {
  Tree t({{"httpd.conf", "Listen 80\n\nInclude missing/*.conf\n"}});
  Result<Config> config = t.Load("httpd.conf");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message.rfind(t.path("httpd.conf") + ":3: ", 0), 0u)
      << config.error().message;
  Tree optional({{"httpd.conf", "IncludeOptional missing/*.conf\nListen 80\n"}});
  EXPECT_TRUE(optional.Load("httpd.conf"));
}

TEST(ApacheConfig, UnclosedAndMismatchedSectionsAreErrors) {
  Tree unclosed({{"httpd.conf", "<VirtualHost *:80>\nServerName x\n"}});
  Result<Config> a = unclosed.Load("httpd.conf");
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("<VirtualHost> was not closed"), std::string::npos);
  Tree mismatched({{"httpd.conf", "<VirtualHost *:80>\n</Directory>\n"}});
  Result<Config> b = mismatched.Load("httpd.conf");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find(":2: </Directory> without matching"), std::string::npos);
}

TEST(ApacheConfig, ConditionalsFollowLoadModuleAndDefineInOrder) {
  Tree t({{"httpd.conf",
           "<IfModule rewrite_module>\nListen 1\n</IfModule>\n"
           "LoadModule rewrite_module modules/mod_rewrite.so\n"
           "<IfModule mod_rewrite.c>\nListen 2\n</IfModule>\n"
           "<IfModule !mod_rewrite.c>\nListen 3\n</IfModule>\n"
           "Define PORT 4\n<IfDefine PORT>\nListen ${PORT}\n</IfDefine>\n"}});
  Result<Config> config = t.Load("httpd.conf");
  ASSERT_TRUE(config) << config.error().message;
  std::vector<int> ports;
  for (const ListenSocket& l : CollectListens(*config)) ports.push_back(l.port);
  EXPECT_EQ(ports, (std::vector<int>{2, 4}));
}

// Found by fuzz/apache_config_fuzz (a timeout): a Define whose value holds its own ${NAME}
// made every later use substitute forever. The value is inserted once, as httpd does.
TEST(ApacheConfig, DefineReferringToItselfIsSubstitutedOnce) {
  Tree t({{"httpd.conf",
           "Define SELF x${SELF}\nDefine LOOP $${LOOP}\n"
           "ServerName ${SELF}.example\nServerAdmin ${LOOP}@${SELF}\n"}});
  Result<Config> config = t.Load("httpd.conf");
  ASSERT_TRUE(config) << config.error().message;
  std::vector<std::string> values;
  ForEachDirective(config->root, [&](const Directive& d) {
    if (d.Is("ServerName") || d.Is("ServerAdmin")) values.push_back(d.Arg(0));
  });
  EXPECT_EQ(values, (std::vector<std::string>{"x${SELF}.example", "$${LOOP}@x${SELF}"}));
}

// Found by fuzz/apache_config_fuzz (AddressSanitizer: heap-buffer-overflow in ParseLines):
// a section opened by "<" and a blank had an empty name, which closed like the file itself,
// and the reader then looked at the line after the last one.
TEST(ApacheConfig, SectionWithoutANameIsAnError) {
  for (const char* text : {"<VirtualHost *:80>\n< x>\n</VirtualHost>\n", "< >\n", "<\tx>\nListen 80\n"}) {
    Tree t({{"httpd.conf", text}});
    Result<Config> config = t.Load("httpd.conf");
    ASSERT_FALSE(config) << text;
    EXPECT_NE(config.error().message.find("<> section without a name"), std::string::npos)
        << config.error().message;
  }
}

TEST(ApacheSelect, NameBasedThenDefaultThenIpBased) {
  Tree t({{"httpd.conf",
           "Listen 80\n"
           "<VirtualHost *:80>\nServerName first.test\n</VirtualHost>\n"
           "<VirtualHost *:80>\nServerName b.test\nServerAlias *.wild.test\n</VirtualHost>\n"
           "<VirtualHost 192.0.2.7:80>\nServerName ip.test\n</VirtualHost>\n"}});
  Result<Config> config = t.Load("httpd.conf");
  ASSERT_TRUE(config) << config.error().message;
  std::vector<Vhost> v = CollectVhosts(*config);
  Endpoint any{80, false, {"198.51.100.1"}};
  EXPECT_EQ(SelectVhost(v, "B.test", any).server_name, "b.test");
  EXPECT_EQ(SelectVhost(v, "x.wild.test", any).server_name, "b.test");
  EXPECT_EQ(SelectVhost(v, "other.test", any).server_name, "first.test");  // first is default
  Endpoint on_ip{80, false, {"192.0.2.7"}};
  EXPECT_EQ(SelectVhost(v, "b.test", on_ip).server_name, "ip.test");  // IP-based set wins
  EXPECT_FALSE(Listens(CollectListens(*config), Endpoint{443, false, {}}));
}

}  // namespace
}  // namespace dcv::apache
