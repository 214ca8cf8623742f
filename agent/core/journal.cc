// The journal on disk. Every record is one JSON line appended with O_APPEND and fsynced
// before the change it announces, so that after a crash the journal always knows at least
// as much as the system changed. Backups are written (and fsynced) before their record.
// The state directory is locked with flock(2) so two runs never interleave.
#include "agent/core/journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "platform/atomic_file.h"

namespace dcv {
namespace fs = std::filesystem;
namespace {

std::string NowIso() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

Result<void> EnsureDir(const std::string& dir, mode_t mode) {
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) {
    return MakeError("cannot create " + dir + ": " + std::strerror(errno));
  }
  return {};
}

// The pid written in the lock file by the run that holds it ("" if unreadable).
std::string LockHolder(int fd) {
  char text[32] = {};
  ssize_t got = ::pread(fd, text, sizeof text - 1, 0);
  std::string pid(text, got > 0 ? static_cast<std::size_t>(got) : 0);
  pid.erase(std::find_if(pid.begin(), pid.end(), [](char c) { return c < '0' || c > '9'; }),
            pid.end());
  return pid;
}

void WriteLockHolder(int fd) {
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) > 0) ::fsync(fd);
}

int default_lock_timeout_s = 30;

}  // namespace

int DefaultLockTimeout() { return default_lock_timeout_s; }
void SetDefaultLockTimeout(int seconds) { default_lock_timeout_s = seconds; }

std::string NewRunId() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::random_device rd;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%06x", rd() & 0xffffff);
  return std::string(stamp) + "-" + suffix;
}

Result<Journal> Journal::Open(const std::string& state_dir, int lock_timeout_s) {
  if (auto made = CreateDirectories(state_dir); !made) return made.error();
  ::chmod(state_dir.c_str(), 0700);
  if (auto runs = EnsureDir(state_dir + "/runs", 0700); !runs) return runs.error();
  const std::string lock_path = state_dir + "/lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return MakeError("cannot open " + lock_path + ": " + std::strerror(errno));
  if (lock_timeout_s < 0) lock_timeout_s = DefaultLockTimeout();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(lock_timeout_s);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string holder = LockHolder(fd);
      ::close(fd);
      return MakeError("another dcv-agent run" + (holder.empty() ? "" : " (pid " + holder + ")") +
                       " holds " + lock_path + "; gave up after " +
                       std::to_string(lock_timeout_s) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  WriteLockHolder(fd);
  return Journal(state_dir, fd);
}

Journal::Journal(Journal&& other) noexcept
    : state_dir_(std::move(other.state_dir_)), lock_fd_(other.lock_fd_), run_id_(std::move(other.run_id_)) {
  other.lock_fd_ = -1;
}

Journal::~Journal() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing releases the flock
}

std::string Journal::RunDir(const std::string& run_id) const { return state_dir_ + "/runs/" + run_id; }

Result<void> Journal::Begin(const std::string& run_id, const std::string& command) {
  run_id_ = run_id;
  if (auto made = EnsureDir(RunDir(run_id), 0700); !made) return made;
  if (auto made = EnsureDir(RunDir(run_id) + "/backups", 0700); !made) return made;
  if (auto synced = SyncDirectory(state_dir_ + "/runs"); !synced) return synced;
  return Append({{"type", "begin"}, {"run_id", run_id}, {"command", command}, {"time", NowIso()}});
}

Result<std::string> Journal::SaveBackup(std::size_t index, const std::string& content, std::size_t part) {
  const std::string rel = "backups/" + std::to_string(index) + (part ? "." + std::to_string(part) : "");
  if (auto written = WriteFileAtomic(RunDir(run_id_) + "/" + rel, content, 0600, 0, 0); !written) {
    return written.error();
  }
  return rel;
}

Result<void> Journal::Append(const nlohmann::json& record) { return AppendTo(run_id_, record); }

Result<void> Journal::AppendTo(const std::string& run_id, const nlohmann::json& record) {
  const std::string path = RunDir(run_id) + "/journal.jsonl";
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return MakeError("cannot open " + path + ": " + std::strerror(errno));
  const std::string line = record.dump() + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) return MakeError("cannot write " + path + ": " + std::strerror(saved));
  return {};
}

Result<void> Journal::Commit() { return Append({{"type", "commit"}, {"time", NowIso()}}); }

Result<void> Journal::MarkRolledBack(const std::string& run_id) {
  return AppendTo(run_id, {{"type", "rolled_back"}, {"time", NowIso()}});
}

std::vector<RunInfo> Journal::ListRuns() const {
  std::vector<RunInfo> runs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(state_dir_ + "/runs", ec)) {
    std::ifstream in(entry.path() / "journal.jsonl");
    if (!in) continue;
    RunInfo info;
    info.id = entry.path().filename().string();
    std::string line;
    while (std::getline(in, line)) {
      nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
      if (record.is_discarded()) break;  // a torn last line: the run was interrupted
      const std::string type = record.value("type", "");
      if (type == "begin") {
        info.command = record.value("command", "");
        info.started = record.value("time", "");
      } else if (type == "commit") {
        info.state = RunState::kCommitted;
      } else if (type == "rolled_back") {
        info.state = RunState::kRolledBack;
      }
    }
    runs.push_back(info);
  }
  std::sort(runs.begin(), runs.end(), [](const RunInfo& a, const RunInfo& b) { return a.id < b.id; });
  return runs;
}

std::optional<RunInfo> Journal::LastCommitted() const {
  std::vector<RunInfo> runs = ListRuns();
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    if (it->state == RunState::kCommitted) return *it;
  }
  return std::nullopt;
}

std::vector<RunInfo> Journal::Unfinished() const {
  std::vector<RunInfo> unfinished;
  for (const RunInfo& run : ListRuns()) {
    if (run.state == RunState::kInProgress) unfinished.push_back(run);
  }
  return unfinished;
}

Result<std::vector<UndoRecord>> Journal::ReadUndo(const std::string& run_id) const {
  std::ifstream in(RunDir(run_id) + "/journal.jsonl");
  if (!in) return MakeError("no journal for run " + run_id + " under " + state_dir_);
  std::vector<UndoRecord> records;
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded()) break;
    const std::string type = record.value("type", "");
    if (type == "step") {
      UndoRecord undo;
      undo.index = record.value("index", std::size_t{0});
      undo.step_id = record.value("id", "");
      undo.undo = record.value("undo", nlohmann::json::array());
      records.push_back(std::move(undo));
    } else if (type == "done" || type == "started") {
      const std::size_t index = record.value("index", std::size_t{0});
      for (UndoRecord& r : records) {
        if (r.index == index) (type == "done" ? r.done : r.started) = true;
      }
    }
  }
  return records;
}

Result<std::string> Journal::ReadBackup(const std::string& run_id, const std::string& rel) const {
  if (rel.find("..") != std::string::npos) return MakeError("invalid backup path " + rel);
  Result<FileSnapshot> snap = ReadSnapshot(RunDir(run_id) + "/" + rel);
  if (!snap) return snap.error();
  if (!snap->exists) return MakeError("backup " + rel + " of run " + run_id + " is missing");
  return snap->content;
}

}  // namespace dcv
