// ReadableBy: the permission-bit check the kernel would make for another user, done from
// stat(2) results (we run as root and must not switch identities to find out). Each
// component's owner, group and mode decide by the usual precedence: owner bits if the user
// owns it, else group bits if one of the user's groups owns it, else the other bits.
#include "platform/file_access.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <vector>

namespace dcv {
namespace {

struct Identity {
  uid_t uid = 0;
  std::vector<gid_t> groups;
};

Result<Identity> LookUp(const std::string& user) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  bool numeric = !user.empty() && std::all_of(user.begin(), user.end(), ::isdigit);
  if (numeric) {
    getpwuid_r(static_cast<uid_t>(std::stoul(user)), &entry, buffer.data(), buffer.size(), &found);
    if (found == nullptr) return Identity{static_cast<uid_t>(std::stoul(user)), {}};
  } else {
    getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (found == nullptr) return MakeError("unknown user '" + user + "'");
  }
  Identity id{found->pw_uid, std::vector<gid_t>(64)};
  int count = static_cast<int>(id.groups.size());
  if (getgrouplist(found->pw_name, found->pw_gid, id.groups.data(), &count) < 0) {
    id.groups.resize(count);
    getgrouplist(found->pw_name, found->pw_gid, id.groups.data(), &count);
  }
  id.groups.resize(count);
  return id;
}

bool Permits(const struct stat& st, const Identity& id, mode_t owner_bit, mode_t group_bit, mode_t other_bit) {
  if (st.st_uid == id.uid) return (st.st_mode & owner_bit) != 0;
  if (std::find(id.groups.begin(), id.groups.end(), st.st_gid) != id.groups.end())
    return (st.st_mode & group_bit) != 0;
  return (st.st_mode & other_bit) != 0;
}

}  // namespace

Result<bool> ReadableBy(const std::string& path, const std::string& user) {
  Result<Identity> id = LookUp(user);
  if (!id) return id.error();
  if (id->uid == 0) return true;
  std::filesystem::path absolute = std::filesystem::absolute(path);
  std::filesystem::path partial;
  for (const auto& part : absolute.parent_path()) {
    partial /= part;
    struct stat st {};
    if (stat(partial.c_str(), &st) != 0) return MakeError("cannot examine " + partial.string());
    if (!Permits(st, *id, S_IXUSR, S_IXGRP, S_IXOTH)) return false;
  }
  struct stat st {};
  if (stat(absolute.c_str(), &st) != 0) return MakeError("cannot examine " + absolute.string());
  return Permits(st, *id, S_IRUSR, S_IRGRP, S_IROTH);
}

}  // namespace dcv
