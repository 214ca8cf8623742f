// TSIG keys for RFC 2136 updates, read from a file in either of the two forms sysadmins
// already have: the one-line `algorithm:name:secret` of `nsupdate -y` and knot, or the
// `key "name" { algorithm ...; secret "..."; };` clause that `tsig-keygen` and
// `ddns-confgen` print for BIND. Only the algorithms ldns can sign with are accepted.
#pragma once

#include <string>

#include "agent/core/result.h"

namespace dcv {

struct TsigKey {
  std::string name;       // absolute, lower case: "acme-update."
  std::string algorithm;  // as ldns names it: "hmac-sha256."
  std::string secret;     // base64, as in the file
};

/// Parses a key file's text; `source` (the path) names the input in errors, with the line.
Result<TsigKey> ParseTsigKey(const std::string& text, const std::string& source);

/// Reads and parses `path`; the error names the file.
Result<TsigKey> ReadTsigKey(const std::string& path);

}  // namespace dcv
