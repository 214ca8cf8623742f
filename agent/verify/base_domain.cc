// BaseDomain through libpsl. The list is loaded once: the system's compiled DAFSA file
// (publicsuffix package, kept current by Debian) when present, else libpsl's built-in copy.
#include "agent/verify/base_domain.h"

#include <algorithm>
#include <cctype>

#include <libpsl.h>

namespace dcv {
namespace {

const psl_ctx_t* List() {
  static const psl_ctx_t* const list = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest ? latest : psl_builtin();
  }();
  return list;
}

}  // namespace

std::string BaseDomain(const std::string& host) {
  std::string name = host;
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!name.empty() && name.back() == '.') name.pop_back();
  if (name.empty() || name.front() == '[' || std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isdigit(c) || c == '.';
      })) {
    return name;  // an IP literal has no base domain
  }
  const psl_ctx_t* list = List();
  const char* registrable = list ? psl_registrable_domain(list, name.c_str()) : nullptr;
  return registrable ? std::string(registrable) : name;
}

}  // namespace dcv
