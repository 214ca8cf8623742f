// Target: what the CA will validate, as given on the command line. Built once by the CLI
// (after validation of every field) and read by every phase.
#pragma once

#include <string>
#include <vector>

#include "agent/core/cidr.h"

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
  // dns method (each validated by the CLI; files exist and are readable)
  std::string txt_name;      // --txt-name: TXT owner (one label: prefixed to each domain)
  std::string root_hints;    // --root-hints FILE: private root servers (zone-file syntax)
  std::string trust_anchor;  // --trust-anchor FILE: DS records of the root (dnssec-dsfromkey)
  std::string dns_server;    // --dns-server HOST: RFC 2136 update target
  std::string tsig_key;      // --tsig-key FILE: "hmac-sha256:name:base64secret" or a BIND key clause
  int dns_wait_seconds = 120;  // --dns-wait: how long fix polls the servers after publishing
  /// Firewall openings: only from these sources (`--allow-from`); empty means any source.
  std::vector<Cidr> allow_from;
  /// Firewall openings are marked temporary and kept out of persistence (`--temporary`);
  /// `cleanup` removes them.
  bool temporary = false;

  /// "/.well-known/pki-validation/" or "/.well-known/acme-challenge/".
  std::string WellKnownDir() const {
    return method == Method::kAcmeHttp ? "/.well-known/acme-challenge/"
                                       : "/.well-known/pki-validation/";
  }
  /// The URL path the CA fetches, e.g. "/.well-known/pki-validation/fileauth.txt".
  std::string UrlPath() const { return WellKnownDir() + token; }
};

}  // namespace dcv
