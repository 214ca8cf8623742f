// Prediction: what a web server is expected to answer to one CA URL, derived from its
// configuration alone (no request is sent). Verify compares the network with it.
#pragma once

#include <string>

namespace dcv {

struct Prediction {
  std::string url;          // "http://example.com/.well-known/pki-validation/x"
  std::string family;       // "ipv4" | "ipv6"
  int status = 0;           // expected HTTP status; 0 = no answer (nothing listens)
  std::string location;     // Location header for redirects, else empty
  std::string serves;       // file path that answers, "upstream", or "none"
  std::string source;       // "file:line" of the directive that decides the answer
  std::string server_block; // "file:line" of the selected server block
};

}  // namespace dcv
