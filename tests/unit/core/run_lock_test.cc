// The state directory's lock between two processes, as two dcv-agent runs would meet it:
// a forked child takes the journal (fix, cleanup and rollback all do for their whole
// run); the parent waits for it, learns the holder's pid from the lock file, gives up
// after its timeout with the message the user sees, and gets the lock once the child ends.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "agent/core/journal.h"
#include "support/temp_dir.h"

namespace dcv {
namespace {

using Clock = std::chrono::steady_clock;
using testing::TempDir;

// A child process that holds the journal of `dir` until Release (or for `hold`).
class LockHolder {
 public:
  LockHolder(const std::string& dir, std::chrono::milliseconds hold) {
    if (::pipe(ready_) != 0 || ::pipe(release_) != 0) return;
    pid_ = ::fork();
    if (pid_ != 0) return;
    ::close(release_[1]);  // else the child would keep its own release pipe open
    Result<Journal> journal = Journal::Open(dir, 0);
    char ok = journal ? 'y' : 'n';
    (void)!::write(ready_[1], &ok, 1);
    if (hold.count() > 0) {
      ::usleep(static_cast<useconds_t>(hold.count() * 1000));
    } else {
      (void)!::read(release_[0], &ok, 1);
    }
    ::_exit(0);
  }
  ~LockHolder() {
    Release();
    for (int fd : {ready_[0], ready_[1], release_[0]}) ::close(fd);
  }

  pid_t pid() const { return pid_; }
  bool WaitHeld() {
    char ok = 0;
    return ::read(ready_[0], &ok, 1) == 1 && ok == 'y';
  }
  void Release() {
    if (pid_ <= 0) return;
    ::close(release_[1]);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  int ready_[2] = {-1, -1};
  int release_[2] = {-1, -1};
  pid_t pid_ = -1;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RunLockTest, SecondRunGivesUpNamingTheHolder) {
  TempDir dir;
  LockHolder holder(dir.path(), std::chrono::milliseconds(0));
  ASSERT_GT(holder.pid(), 0);
  ASSERT_TRUE(holder.WaitHeld());
  EXPECT_EQ(ReadFile(dir.path() + "/lock"), std::to_string(holder.pid()) + "\n");
  Clock::time_point start = Clock::now();
  Result<Journal> second = Journal::Open(dir.path(), 1);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(900));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message, "another dcv-agent run (pid " + std::to_string(holder.pid()) +
                                        ") holds " + dir.path() + "/lock; gave up after 1 s");
  holder.Release();
  Result<Journal> after = Journal::Open(dir.path(), 0);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(ReadFile(dir.path() + "/lock"), std::to_string(::getpid()) + "\n");
}

TEST(RunLockTest, SecondRunWaitsForTheFirstToFinish) {
  TempDir dir;
  LockHolder holder(dir.path(), std::chrono::milliseconds(600));
  ASSERT_TRUE(holder.WaitHeld());
  Clock::time_point start = Clock::now();
  Result<Journal> second = Journal::Open(dir.path(), 10);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(300));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST(RunLockTest, DefaultTimeoutIsSettable) {
  EXPECT_EQ(DefaultLockTimeout(), 30);
  SetDefaultLockTimeout(0);
  TempDir dir;
  Result<Journal> first = Journal::Open(dir.path());
  ASSERT_TRUE(first);
  Clock::time_point start = Clock::now();
  EXPECT_FALSE(Journal::Open(dir.path()));
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(500));
  SetDefaultLockTimeout(30);
}

}  // namespace
}  // namespace dcv
