// The probe's defences below the protocol: which addresses count as non-public, that the
// verifier asks the filter about the very address it dials (a name, a literal, every
// redirect hop) and fetches nothing refused, that an answer stays bounded however long
// the target's headers are, and that DropPrivileges leaves a process with no way back to
// root (read from /proc/<pid>/status of a forked child, as an operator would).
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "agent/verify/probe_address.h"
#include "agent/verify/probe_handler.h"
#include "agent/verify/probe_privileges.h"
#include "agent/verify/verifier.h"
#include "script_server.h"

namespace dcv {
namespace {

using testing::ScriptServer;

std::optional<std::string> Reason(const std::string& text) {
  return NonPublicAddressReason(boost::asio::ip::make_address(text));
}

TEST(ProbeAddressTest, NonPublicRangesAreNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {"10.99.0.2", "private"},        {"172.16.5.4", "private"},
      {"192.168.1.1", "private"},      {"127.0.0.1", "loopback"},
      {"169.254.169.254", "link-local"}, {"100.64.0.1", "carrier-grade NAT"},
      {"224.0.0.1", "multicast"},      {"0.0.0.0", "unspecified"},
      {"255.255.255.255", "broadcast"}, {"::", "unspecified"},
      {"::1", "loopback"},             {"fe80::1", "link-local"},
      {"fd99::2", "unique-local"},     {"fc00::1", "unique-local"},
      {"ff02::1", "multicast"},        {"::ffff:10.0.0.1", "private"},
      {"::ffff:127.0.0.1", "loopback"}, {"64:ff9b::a9fe:a9fe", "link-local"},
  };
  for (const auto& [address, what] : cases) {
    std::optional<std::string> reason = Reason(address);
    ASSERT_TRUE(reason) << address;
    EXPECT_NE(reason->find(what), std::string::npos) << address << ": " << *reason;
  }
}

TEST(ProbeAddressTest, PublicAddressesPass) {
  for (const char* address : {"8.8.8.8", "1.1.1.1", "100.128.0.1", "172.32.0.1",
                              "2001:4860:4860::8888", "::ffff:8.8.8.8", "2a00:1450::1"}) {
    EXPECT_FALSE(Reason(address)) << address << ": " << Reason(address).value_or("");
  }
}

FetchRules RulesFor(const ScriptServer& server) {
  FetchRules rules;
  rules.allowed_ports.push_back(server.port());
  rules.total_timeout_ms = 5000;
  return rules;
}

TEST(ProbeAddressTest, RefusedAddressIsNeverDialled) {
  ScriptServer target;
  target.Set("/f", {200, "token", "", {}});
  std::string by_name = "http://localhost:" + std::to_string(target.port()) + "/f";
  std::vector<CheckResult> results =
      FetchAll({{target.Url("/f"), Family::kIpv4, "token"}, {by_name, Family::kIpv4, "token"}},
               RulesFor(target), &RefuseNonPublicSockaddr);
  for (const CheckResult& result : results) {
    ASSERT_TRUE(result.error) << result.url;
    EXPECT_NE(result.error->find("127.0.0.1 is a loopback address"), std::string::npos)
        << *result.error;
    EXPECT_NE(result.error->find("nothing fetched"), std::string::npos) << *result.error;
    EXPECT_EQ(result.status, 0);
    EXPECT_FALSE(result.connect_failed);
  }
  EXPECT_EQ(target.TotalRequests(), 0);
  EXPECT_TRUE(FetchAll({{target.Url("/f"), Family::kIpv4, "token"}}, RulesFor(target))[0].ok());
}

std::optional<std::string> RefuseOnly127002(const sockaddr* address) {
  std::optional<std::string> reason = RefuseNonPublicSockaddr(address);
  if (reason && reason->rfind("127.0.0.2 ", 0) == 0) return reason;
  return std::nullopt;
}

TEST(ProbeAddressTest, EveryRedirectHopIsChecked) {
  ScriptServer target;
  std::string next = "http://127.0.0.2:" + std::to_string(target.port()) + "/f";
  target.Set("/r", {302, "", next, {}});
  target.Set("/f", {200, "token", "", {}});
  std::vector<CheckResult> results =
      FetchAll({{target.Url("/r"), Family::kIpv4, "token"}}, RulesFor(target), &RefuseOnly127002);
  ASSERT_TRUE(results[0].error);
  EXPECT_NE(results[0].error->find("127.0.0.2 is a loopback"), std::string::npos)
      << *results[0].error;
  EXPECT_EQ(results[0].redirects, std::vector<std::string>{next});
  EXPECT_EQ(target.Requests("/r"), 1);
  EXPECT_EQ(target.Requests("/f"), 0);
}

TEST(ProbeReplyTest, AnswerStaysBoundedWhateverTheTargetSent) {
  CheckResult huge;
  huge.url = "http://example.com/" + std::string(60000, 'u');
  huge.location = std::string(100000, 'l');
  huge.error = std::string(100000, 'e');
  huge.redirects.assign(25, std::string(20000, 'r'));
  std::vector<CheckResult> results(64, huge);
  ProbeReply reply = ProbeRequestHandler::ResultsReply(results);
  EXPECT_EQ(reply.status, 200);
  EXPECT_LT(reply.body.size(), kMaxProbeReplyBytes);
  EXPECT_GT(reply.body.size(), 64u * 20 * 1024);  // cut, not dropped
}

std::string StatusLine(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) == 0) return line;
  }
  return "";
}

TEST(ProbePrivilegesTest, DropLeavesNoWayBackToRoot) {
  ASSERT_EQ(::geteuid(), 0u) << "this test must run as root";
  passwd* nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  int report[2], release[2];
  ASSERT_EQ(::pipe(report), 0);
  ASSERT_EQ(::pipe(release), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(release[1]);
    char ok = DropPrivileges("nobody") && ::setuid(0) != 0 ? 'y' : 'n';
    (void)!::write(report[1], &ok, 1);
    (void)!::read(release[0], &ok, 1);
    ::_exit(0);
  }
  char ok = 0;
  ASSERT_EQ(::read(report[0], &ok, 1), 1);
  std::string uid = std::to_string(nobody->pw_uid), gid = std::to_string(nobody->pw_gid);
  EXPECT_EQ(ok, 'y');
  EXPECT_EQ(StatusLine(child, "Uid"), "Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid);
  EXPECT_EQ(StatusLine(child, "Gid"), "Gid:\t" + gid + "\t" + gid + "\t" + gid + "\t" + gid);
  EXPECT_EQ(StatusLine(child, "Groups"), "Groups:\t" + gid + " ");
  ::close(release[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  for (int fd : {report[0], report[1], release[0]}) ::close(fd);
}

TEST(ProbePrivilegesTest, UnknownUserIsAnError) {
  Result<void> dropped = DropPrivileges("no-such-user-dcv");
  ASSERT_FALSE(dropped);
  EXPECT_NE(dropped.error().message.find("no user 'no-such-user-dcv'"), std::string::npos)
      << dropped.error().message;
}

}  // namespace
}  // namespace dcv
