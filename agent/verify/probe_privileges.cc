// DropPrivileges: the classic order — look the user up while /etc/passwd is still readable
// as root, clear the supplementary groups and set the group while we may, set the uid
// last — then prove the drop held: the real, effective and saved ids are the user's and
// setuid(0) fails. glibc applies set*id to every thread (the probe's fetch pool already
// runs), so no thread keeps root.
#include "agent/verify/probe_privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace dcv {
namespace {

Result<passwd> LookUpUser(const std::string& user, std::vector<char>& storage) {
  passwd entry{};
  passwd* found = nullptr;
  storage.resize(16384);
  int error = ::getpwnam_r(user.c_str(), &entry, storage.data(), storage.size(), &found);
  if (found == nullptr) {
    return MakeError("cannot drop privileges: no user '" + user + "'" +
                     (error != 0 ? std::string(": ") + std::strerror(error) : ""));
  }
  return entry;
}

Error Failed(const std::string& user, const char* step) {
  return MakeError("cannot drop privileges to '" + user + "': " + step + ": " +
                   std::strerror(errno));
}

bool Holds(uid_t uid, gid_t gid) {
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  if (::getresuid(&ruid, &euid, &suid) != 0 || ::getresgid(&rgid, &egid, &sgid) != 0) return false;
  if (ruid != uid || euid != uid || suid != uid) return false;
  if (rgid != gid || egid != gid || sgid != gid) return false;
  return uid == 0 || ::setuid(0) != 0;
}

}  // namespace

Result<void> DropPrivileges(const std::string& user) {
  std::vector<char> storage;
  Result<passwd> entry = LookUpUser(user, storage);
  if (!entry) return entry.error();
  gid_t gid = entry->pw_gid;
  uid_t uid = entry->pw_uid;
  if (::setgroups(1, &gid) != 0) return Failed(user, "setgroups");
  if (::setresgid(gid, gid, gid) != 0) return Failed(user, "setresgid");
  if (::setresuid(uid, uid, uid) != 0) return Failed(user, "setresuid");
  if (!Holds(uid, gid)) {
    return MakeError("cannot drop privileges to '" + user + "': root can still be regained");
  }
  return {};
}

}  // namespace dcv
