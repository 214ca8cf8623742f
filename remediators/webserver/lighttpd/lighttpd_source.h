// Where in the configuration files a lighttpd setting is written, and which files lighttpd
// must still be able to read after it drops privileges. `lighttpd -p` (what the analysis
// reads) prints the merged configuration without file names or line numbers, so findings
// are traced back to the text: the main file and the files its `include` lines name.
#pragma once

#include <string>
#include <vector>

#include "remediators/webserver/lighttpd/lighttpd_config.h"

namespace dcv::lighttpd {

/// "FILE:LINE" of the first line that sets `setting` inside the conditional `condition`
/// (as `lighttpd -p` prints its header; "" for top level), searching the main file and,
/// in order, the files of its `include` globs; "" when the text does not show it.
std::string LocateSetting(const std::string& main_path, const std::string& setting,
                          const std::string& condition);

/// The files named by ssl.* settings anywhere in the configuration (certificates, keys,
/// CA and DH files): lighttpd re-reads them on a graceful restart (SIGUSR1, also
/// systemd's `reload`), after it has dropped to server.username.
std::vector<std::string> FilesReadOnRestart(const Block& root);

/// The server.username setting at top level ("" when lighttpd keeps running as root).
std::string ServerUser(const Block& root);

}  // namespace dcv::lighttpd
