// The plan against the real nft, inside a throwaway network namespace (never the root
// one: every command goes through `ip netns exec`). For each fixture: load it, let the
// remediator detect and plan, run the planned commands, check the ruleset now evaluates
// as open, run each undo (lookup + pattern + delete) and check `nft list ruleset` is
// byte-identical to before; then reload only the persisted /etc/nftables.conf edit after
// a flush (a simulated reboot) and check it is still open. Skipped unless root with nft.
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "remediators/firewall/nftables/nftables_remediator.h"
#include "tests/unit/nftables/nft_test_support.h"

namespace dcv {
namespace {

// fork + execvp with captured stdout/stderr; no shell.
ProcessResult Exec(const std::vector<std::string>& argv) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  ProcessResult r;
  r.started = pid > 0;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  while (pid > 0 && open_fds > 0 && poll(fds, 2, 10000) > 0) {
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[65536];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) sinks[i]->append(buf, static_cast<size_t>(n));
      else { fds[i].fd = -1; --open_fds; }
    }
  }
  close(out[0]);
  close(err[0]);
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
    r.exit_status = WEXITSTATUS(status);
    r.started = r.exit_status != 127;
  }
  return r;
}

// Runs every command inside one network namespace.
class NetnsRunner : public ProcessRunner {
 public:
  explicit NetnsRunner(std::string ns) : ns_(std::move(ns)) {}
  ProcessResult Run(const std::vector<std::string>& argv, const ProcessOptions& = {}) override {
    std::vector<std::string> full{"ip", "netns", "exec", ns_};
    full.insert(full.end(), argv.begin(), argv.end());
    return Exec(full);
  }

 private:
  std::string ns_;
};

class NftNetnsTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (geteuid() != 0 || !std::filesystem::exists("/usr/sbin/nft") || getenv("DCV_NO_NETNS")) {
      GTEST_SKIP() << "needs root, /usr/sbin/nft and network namespaces";
    }
    ns_ = "dcvut" + std::to_string(getpid());
    ASSERT_TRUE(Exec({"ip", "netns", "add", ns_}).ok()) << "ip netns add " << ns_;
    dir_ = std::filesystem::temp_directory_path() / ns_;
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (ns_.empty()) return;
    Exec({"ip", "netns", "del", ns_});
    std::filesystem::remove_all(dir_);
  }
  std::string ns_;
  std::filesystem::path dir_;
};

ProcessResult MustRun(ProcessRunner& runner, const Argv& argv) {
  ProcessResult r = runner.Run(argv);
  std::string cmd;
  for (const auto& a : argv) cmd += " " + a;
  EXPECT_TRUE(r.ok()) << cmd << ": " << r.err;
  return r;
}

TEST_P(NftNetnsTest, FixOpensUndoRestoresPersistenceSurvivesReload) {
  const std::string name = GetParam();
  const std::string source = std::string(DCV_FIXTURES) + "/nft/" + name + ".nft";
  NetnsRunner runner(ns_);
  MustRun(runner, {"nft", "-f", source});
  const std::string before = MustRun(runner, {"nft", "list", "ruleset"}).out;

  NftablesRemediator::Options options;
  options.read_file = [&](const std::string&) { return nft_test::NftFixture(name + ".nft"); };
  options.list_interfaces = [] { return std::vector<std::string>{"lo", "eth0", "eth1"}; };
  NftablesRemediator nft(options);
  Host host{runner, {}, {}, "netns-" + name};
  ASSERT_TRUE(nft.Detect(host).value());
  ASSERT_FALSE(nft.evaluation().AllOpen());
  Plan plan;
  ASSERT_TRUE(nft.PlanFix({}, host, {}, plan).has_value());

  std::vector<UndoCommand> undos;
  std::optional<EditFile> edit;
  for (const auto& step : plan.steps) {
    if (const auto* run = std::get_if<RunCommand>(&step.action)) {
      MustRun(runner, run->argv);
      undos.push_back(*run->undo);
    } else if (const auto* e = std::get_if<EditFile>(&step.action)) {
      edit = *e;
    }
  }
  ASSERT_TRUE(nft.Detect(host).value());
  EXPECT_TRUE(nft.evaluation().AllOpen()) << name << " is still blocked after the fix";

  for (auto it = undos.rbegin(); it != undos.rend(); ++it) {
    const std::string listing = MustRun(runner, *it->lookup).out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(listing, m, std::regex(it->pattern))) << listing;
    Argv argv = it->argv;
    for (auto& a : argv) a = std::regex_replace(a, std::regex(R"(\{1\})"), m.str(1));
    MustRun(runner, argv);
  }
  EXPECT_EQ(MustRun(runner, {"nft", "list", "ruleset"}).out, before);

  ASSERT_TRUE(edit.has_value()) << "nothing persisted for " << name;
  const auto persisted = dir_ / "nftables.conf";
  std::ofstream(persisted) << edit->content;
  MustRun(runner, {"nft", "flush", "ruleset"});
  MustRun(runner, {"nft", "-f", persisted.string()});
  ASSERT_TRUE(nft.Detect(host).value());
  EXPECT_TRUE(nft.evaluation().AllOpen()) << name << " is blocked after reloading the file";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, NftNetnsTest,
                         ::testing::Values("inet_drop80", "policy_drop_ssh", "other_table_accept",
                                           "jump_user_chain", "ip_only_drop", "port_set_policy_drop",
                                           "reject_icmpx", "iifname_eth0", "ct_established_drop",
                                           "named_set_saddr", "prerouting_vmap",
                                           "iptables_nft_style", "two_tables_drop"));

}  // namespace
}  // namespace dcv
