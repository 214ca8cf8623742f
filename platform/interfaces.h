// Small read-only facts about this host that several remediators need: the names of its
// network interfaces, and the text of a configuration file.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dcv {

/// The interface names of the current network namespace (if_nameindex), "lo" included.
std::vector<std::string> InterfaceNames();

/// The whole content of a file, or nullopt when it cannot be read (missing, unreadable).
std::optional<std::string> ReadTextFile(const std::string& path);

}  // namespace dcv
