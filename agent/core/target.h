// Target: what the CA will validate, as given on the command line. Built once by the CLI
// (after validation of every field) and read by every phase.
#pragma once

#include <string>
#include <vector>

namespace dcv {

enum class Method { kFile, kAcmeHttp, kDns };

struct Target {
  std::vector<std::string> domains;  // lower-case, validated host names
  Method method = Method::kFile;
  std::string token;                 // file name under the well-known directory
  std::string content;               // exact body the CA expects (no trailing newline needed)
  std::string ca = "generic";
  std::vector<std::string> probes;   // outside vantage points (probe serve URLs)
  std::string probe_key;             // shared key for authenticated probes (may be empty)

  /// "/.well-known/pki-validation/" or "/.well-known/acme-challenge/".
  std::string WellKnownDir() const {
    return method == Method::kAcmeHttp ? "/.well-known/acme-challenge/"
                                       : "/.well-known/pki-validation/";
  }
  /// The URL path the CA fetches, e.g. "/.well-known/pki-validation/fileauth.txt".
  std::string UrlPath() const { return WellKnownDir() + token; }
};

}  // namespace dcv
