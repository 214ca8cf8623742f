// The configuration file: which file is read, what a valid one sets, and that every
// mistake (TOML syntax, an unknown key, a wrong type or value) is an error naming the file
// and the line. Only temporary files are read; never /etc.
#include "agent/config_file.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace dcv {
namespace {

using testing::TempDir;
using testing::WriteText;

TEST(ConfigFileTest, ChoosesOptionThenVariableThenDefault) {
  EXPECT_EQ(ChooseConfigFile("/a.toml", "/b.toml", "/c.toml").path, "/a.toml");
  EXPECT_TRUE(ChooseConfigFile("/a.toml", nullptr, "/c.toml").must_exist);
  EXPECT_EQ(ChooseConfigFile("", "/b.toml", "/c.toml").path, "/b.toml");
  EXPECT_TRUE(ChooseConfigFile("", "/b.toml", "/c.toml").must_exist);
  EXPECT_EQ(ChooseConfigFile("", "", "/c.toml").path, "/c.toml");
  EXPECT_FALSE(ChooseConfigFile("", nullptr, "/c.toml").must_exist);
}

TEST(ConfigFileTest, ReadsEveryKey) {
  TempDir dir;
  const std::string path = dir / "config.toml";
  WriteText(path, "# defaults\nca = \"letsencrypt\"\nprobes = [\"https://p1:8443\", \"https://p2:8443\"]\n"
                  "key_file = \"probe.key\"\nlang = \"zh-TW\"\ncolor = \"never\"\n");
  Result<ConfigFile> config = LoadConfigFile({path, true});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->path, path);
  EXPECT_EQ(config->ca, "letsencrypt");
  EXPECT_EQ(config->probes, (std::vector<std::string>{"https://p1:8443", "https://p2:8443"}));
  EXPECT_EQ(config->key_file, dir / "probe.key") << "relative to the file's directory";
  EXPECT_EQ(config->lang, "zh-TW");
  EXPECT_EQ(config->color, "never");
}

TEST(ConfigFileTest, MissingDefaultFileIsFineMissingNamedFileIsNot) {
  TempDir dir;
  Result<ConfigFile> absent = LoadConfigFile({dir / "config.toml", false});
  ASSERT_TRUE(absent) << absent.error().message;
  EXPECT_TRUE(absent->path.empty());
  EXPECT_FALSE(absent->ca);
  Result<ConfigFile> named = LoadConfigFile({dir / "other.toml", true});
  ASSERT_FALSE(named);
  EXPECT_NE(named.error().message.find(dir / "other.toml"), std::string::npos) << named.error().message;
}

void ExpectError(const std::string& text, const std::string& where, const std::string& what) {
  Result<ConfigFile> config = ParseConfigText(text, "/tmp/x/config.toml");
  ASSERT_FALSE(config) << text;
  EXPECT_EQ(config.error().message.rfind("/tmp/x/config.toml:" + where + ": ", 0), 0u) << config.error().message;
  EXPECT_NE(config.error().message.find(what), std::string::npos) << config.error().message;
}

TEST(ConfigFileTest, MalformedTomlNamesFileAndLine) {
  ExpectError("ca = \"generic\"\n\nprobes = [\"a\",\n lang = \n", "4", "invalid TOML");
  ExpectError("ca = generic\n", "1", "invalid TOML");
}

TEST(ConfigFileTest, UnknownKeysNameTheKeyAndLine) {
  ExpectError("ca = \"generic\"\nprobe = [\"x\"]\n", "2", "unknown key 'probe'");
  ExpectError("\n\n[probes_table]\nx = 1\n", "3", "unknown key 'probes_table'");
}

TEST(ConfigFileTest, WrongTypesAndValuesNameTheLine) {
  ExpectError("ca = \"acme\"\n", "1", "unknown ca 'acme'");
  ExpectError("\nlang = \"fr\"\n", "2", "invalid lang 'fr'");
  ExpectError("color = \"sometimes\"\n", "1", "invalid color");
  ExpectError("probes = \"https://p:8443\"\n", "1", "'probes' must be an array of strings");
  ExpectError("probes = [\n \"a\",\n 3,\n]\n", "3", "'probes' must be an array of strings");
  ExpectError("key_file = 7\n", "1", "'key_file' must be a string");
}

}  // namespace
}  // namespace dcv
