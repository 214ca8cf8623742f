// Interface names from if_nameindex(3) (per network namespace, no parsing of `ip`
// output), and a plain whole-file read for configuration files the remediators edit.
#include "platform/interfaces.h"

#include <net/if.h>

#include <fstream>
#include <sstream>

namespace dcv {

std::vector<std::string> InterfaceNames() {
  std::vector<std::string> names;
  if (struct if_nameindex* list = if_nameindex()) {
    for (auto* p = list; p->if_index != 0; ++p) names.emplace_back(p->if_name);
    if_freenameindex(list);
  }
  return names;
}

std::optional<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace dcv
