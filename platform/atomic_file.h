// Files the agent changes: read with metadata, replace atomically (temp file in the same
// directory, fsync, rename, fsync the directory), keep owner and mode, and never follow a
// symlink where one could redirect a write.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "agent/core/result.h"

namespace dcv {

struct FileSnapshot {
  bool exists = false;
  std::string content;
  mode_t mode = 0644;
  uid_t uid = 0;
  gid_t gid = 0;
};

/// Reads a regular file and its mode and owner. A missing file is a snapshot with
/// exists=false, not an error. `max_bytes` bounds what is read (Error when larger).
Result<FileSnapshot> ReadSnapshot(const std::string& path, std::size_t max_bytes = 64u << 20);

/// Writes `content` to `path` atomically with the given mode and owner. Refuses when the
/// final path component is a symlink (resolve it first if editing through a link is meant).
Result<void> WriteFileAtomic(const std::string& path, const std::string& content, mode_t mode,
                             uid_t uid, gid_t gid);

/// Removes a file (not a directory, not through a symlinked parent) and fsyncs its directory.
Result<void> UnlinkFile(const std::string& path);

/// Creates the missing directories of `dir` (mode 0755) and returns those it created,
/// outermost first. Refuses if an existing component is a symlink or not a directory.
Result<std::vector<std::string>> CreateDirectories(const std::string& dir);

/// True if some existing component of `path` (excluding "/") is a symlink.
bool HasSymlinkComponent(const std::string& path);

/// Removes `dir` if it is empty; a non-empty or missing directory is left alone.
void RemoveDirectoryIfEmpty(const std::string& dir);

/// fsyncs a directory (after creating or removing entries in it).
Result<void> SyncDirectory(const std::string& dir);

}  // namespace dcv
