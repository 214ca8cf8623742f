// Detection tests: the httpd parent found in a fake /proc among its workers (Debian's
// apache2 under systemd, RHEL's httpd with -DFOREGROUND, a hand-started apache2 with -d/-f),
// the stock layouts, and the test/reload argv built from what was found.
#include "remediators/webserver/apache/apache_detect.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace dcv::apache {
namespace {

namespace fs = std::filesystem;

class ApacheFakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("apache-proc-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    Process(1, 0, std::string("/sbin/init\0", 11), "0::/init.scope\n");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Process(int pid, int ppid, const std::string& cmdline, const std::string& cgroup) {
    fs::path dir = root_ / "proc" / std::to_string(pid);
    fs::create_directories(dir);
    std::ofstream(dir / "cmdline") << cmdline;
    std::ofstream(dir / "stat") << pid << " (" << fs::path(cmdline.c_str()).filename().string()
                                << ") S " << ppid << " " << pid << " 0 0\n";
    std::ofstream(dir / "cgroup") << cgroup;
  }
  std::string proc() const { return (root_ / "proc").string(); }
  std::string systemd() const {
    fs::create_directories(root_ / "systemd");
    return (root_ / "systemd").string();
  }
  fs::path root_;
};

TEST_F(ApacheFakeProc, FindsTheDebianParentUnderSystemdNotAWorker) {
  std::string cmd("/usr/sbin/apache2\0-k\0start\0", 27);
  Process(310, 1, cmd, "0::/system.slice/apache2.service\n");
  Process(311, 310, cmd, "0::/system.slice/apache2.service\n");
  Process(312, 310, cmd, "0::/system.slice/apache2.service\n");
  std::optional<ApacheInstance> found = FindParent(proc(), systemd());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->pid, 310);
  EXPECT_TRUE(found->systemd);
  EXPECT_EQ(found->conf_path, "/etc/apache2/apache2.conf");
  EXPECT_EQ(TestArgv(*found), (std::vector<std::string>{"apache2ctl", "-t"}));
  EXPECT_EQ(ReloadArgv(*found), (std::vector<std::string>{"systemctl", "reload", "apache2"}));
}

TEST_F(ApacheFakeProc, ReadsRhelHttpdWithAttachedDefine) {
  Process(500, 1, std::string("/usr/sbin/httpd\0-DFOREGROUND\0", 29), "0::/user.slice\n");
  std::optional<ApacheInstance> found = FindParent(proc(), "/nonexistent");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->conf_path, "/etc/httpd/conf/httpd.conf");
  EXPECT_EQ(found->server_root, "/etc/httpd");
  EXPECT_EQ(found->defines.count("FOREGROUND"), 1u);
  EXPECT_FALSE(found->systemd);
  EXPECT_EQ(ReloadArgv(*found),
            (std::vector<std::string>{"apachectl", "-D", "FOREGROUND", "-k", "graceful"}));
}

TEST_F(ApacheFakeProc, HandStartedApacheKeepsItsRootAndConfigFlags) {
  Process(700, 1, std::string("apache2\0-d\0/srv/a\0-f\0conf/main.conf\0-k\0start\0", 45), "");
  std::optional<ApacheInstance> found = FindParent(proc(), "/nonexistent");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->server_root, "/srv/a");
  EXPECT_EQ(found->conf_path, "/srv/a/conf/main.conf");
  EXPECT_EQ(TestArgv(*found),
            (std::vector<std::string>{"apache2ctl", "-d", "/srv/a", "-f", "conf/main.conf", "-t"}));
}

TEST_F(ApacheFakeProc, NoHttpdProcessAndStockLayouts) {
  Process(800, 1, std::string("/usr/sbin/nginx\0", 16), "");
  EXPECT_FALSE(FindParent(proc(), "/nonexistent"));
  fs::create_directories(root_ / "rhel/etc/httpd/conf");
  std::ofstream(root_ / "rhel/etc/httpd/conf/httpd.conf") << "Listen 80\n";
  std::optional<ApacheInstance> rhel = FindInstalled((root_ / "rhel").string());
  ASSERT_TRUE(rhel);
  EXPECT_EQ(rhel->ctl, "apachectl");
  EXPECT_FALSE(FindInstalled((root_ / "empty").string()));
}

}  // namespace
}  // namespace dcv::apache
