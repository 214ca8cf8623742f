// Atomic, symlink-safe file changes. Every write goes to a temporary file created with
// O_EXCL|O_NOFOLLOW in the target's own directory (opened O_DIRECTORY|O_NOFOLLOW), is
// fsynced, renamed over the target and followed by an fsync of the directory, so a crash
// leaves either the old or the new file, never a torn one. Owner and mode are applied to
// the temporary file before the rename.
#include "platform/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace dcv {
namespace {

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
 private:
  int fd_;
};

std::string ParentOf(const std::string& path) {
  std::filesystem::path p(path);
  std::string parent = p.parent_path().string();
  return parent.empty() ? "." : parent;
}

std::string TempName(const std::string& base) {
  static std::mt19937_64 rng{std::random_device{}()};
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
  return "." + base + ".dcv-" + suffix;
}

bool WriteAll(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

Result<FileSnapshot> ReadSnapshot(const std::string& path, std::size_t max_bytes) {
  FileSnapshot snap;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    if (errno == ENOENT) return snap;
    return MakeError(Errno("cannot open", path));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return MakeError(Errno("cannot stat", path));
  if (!S_ISREG(st.st_mode)) return MakeError(path + ": not a regular file");
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    return MakeError(path + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
  snap.exists = true;
  snap.mode = st.st_mode & 07777;
  snap.uid = st.st_uid;
  snap.gid = st.st_gid;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return MakeError(Errno("cannot read", path));
    if (n == 0) break;
    snap.content.append(buffer, static_cast<std::size_t>(n));
    if (snap.content.size() > max_bytes) return MakeError(path + ": grew while reading");
  }
  return snap;
}

Result<void> WriteFileAtomic(const std::string& path, const std::string& content, mode_t mode,
                             uid_t uid, gid_t gid) {
  const std::string dir = ParentOf(path);
  const std::string base = std::filesystem::path(path).filename().string();
  Fd dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (dirfd.get() < 0) return MakeError(Errno("cannot open directory", dir));
  struct stat st {};
  if (::fstatat(dirfd.get(), base.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
    return MakeError(path + ": is a symlink; refusing to replace it");
  }
  const std::string temp = TempName(base);
  Fd fd(::openat(dirfd.get(), temp.c_str(),
                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) return MakeError(Errno("cannot create temporary file in", dir));
  auto fail = [&](const std::string& message) -> Result<void> {
    ::unlinkat(dirfd.get(), temp.c_str(), 0);
    return MakeError(message);
  };
  if (!WriteAll(fd.get(), content)) return fail(Errno("cannot write", dir + "/" + temp));
  if (::fchown(fd.get(), uid, gid) != 0 && geteuid() == 0) return fail(Errno("cannot chown", path));
  if (::fchmod(fd.get(), mode) != 0) return fail(Errno("cannot chmod", path));
  if (::fsync(fd.get()) != 0) return fail(Errno("cannot fsync", path));
  if (::renameat(dirfd.get(), temp.c_str(), dirfd.get(), base.c_str()) != 0) {
    return fail(Errno("cannot rename into", path));
  }
  if (::fsync(dirfd.get()) != 0) return MakeError(Errno("cannot fsync directory", dir));
  return {};
}

Result<void> UnlinkFile(const std::string& path) {
  const std::string dir = ParentOf(path);
  const std::string base = std::filesystem::path(path).filename().string();
  Fd dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (dirfd.get() < 0) {
    if (errno == ENOENT) return {};
    return MakeError(Errno("cannot open directory", dir));
  }
  if (::unlinkat(dirfd.get(), base.c_str(), 0) != 0 && errno != ENOENT) {
    return MakeError(Errno("cannot remove", path));
  }
  if (::fsync(dirfd.get()) != 0) return MakeError(Errno("cannot fsync directory", dir));
  return {};
}

bool HasSymlinkComponent(const std::string& path) {
  std::filesystem::path partial;
  for (const auto& part : std::filesystem::path(path)) {
    partial /= part;
    if (partial == "/") continue;
    struct stat st {};
    if (::lstat(partial.c_str(), &st) != 0) return false;  // the rest does not exist yet
    if (S_ISLNK(st.st_mode)) return true;
  }
  return false;
}

Result<std::vector<std::string>> CreateDirectories(const std::string& dir) {
  std::vector<std::string> created;
  std::filesystem::path partial;
  for (const auto& part : std::filesystem::path(dir)) {
    partial /= part;
    if (partial == "/") continue;
    struct stat st {};
    if (::lstat(partial.c_str(), &st) == 0) {
      if (S_ISLNK(st.st_mode)) return MakeError(partial.string() + ": is a symlink; refusing");
      if (!S_ISDIR(st.st_mode)) return MakeError(partial.string() + ": not a directory");
      continue;
    }
    if (::mkdir(partial.c_str(), 0755) != 0) return MakeError(Errno("cannot create", partial.string()));
    ::chmod(partial.c_str(), 0755);  // not subject to the umask
    created.push_back(partial.string());
    if (auto synced = SyncDirectory(partial.parent_path().string()); !synced) return synced.error();
  }
  return created;
}

void RemoveDirectoryIfEmpty(const std::string& dir) {
  if (::rmdir(dir.c_str()) == 0) (void)SyncDirectory(ParentOf(dir));
}

Result<void> SyncDirectory(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return MakeError(Errno("cannot open directory", dir));
  if (::fsync(fd.get()) != 0) return MakeError(Errno("cannot fsync directory", dir));
  return {};
}

}  // namespace dcv
