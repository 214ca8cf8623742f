// Outside vantage points. `dcv-agent probe serve` runs a small HTTP service on another
// machine (or, in tests, another network namespace); `verify --probe URL` sends it the
// fetch specs and gets CheckResults back. Requests are authenticated with HMAC-SHA256
// over method, path, timestamp, nonce and body when a key is configured.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "agent/core/result.h"
#include "agent/verify/check_result.h"

namespace dcv {

struct ProbeServeOptions {
  std::string listen;        // "ADDR:PORT", "[v6]:PORT"
  std::string key;           // shared key (empty: unauthenticated, for tests and demos)
  int max_concurrent = 16;   // requests handled at once
  /// Ports a requested URL (and every redirect) may use. The probe's own list: a client
  /// cannot widen it. Tests add their ephemeral ports.
  std::vector<int> allowed_ports = {80, 443};
  std::size_t max_request_bytes = 64 * 1024;  // larger request bodies get 413
  std::size_t max_specs = 64;                 // more specs in one request get 400
  /// Fetch private, loopback, link-local, unique-local, CGNAT, multicast and other
  /// non-public addresses too (probe_address.h). Off: such a target is refused.
  bool allow_private = false;
  /// When started as root: the user to become once the socket is bound (empty: stay).
  std::string run_as_user;
  std::size_t max_connections = 512;          // connections open at once; more are closed
};

/// Runs until SIGINT/SIGTERM. Returns an Error if it cannot listen, or if it runs as root
/// with a run_as_user and cannot become that user.
Result<void> ServeProbe(const ProbeServeOptions& options);

/// The shared key from a key file: its first line, trimmed. An Error naming the path
/// when the file is unreadable or that line is empty.
Result<std::string> ReadProbeKey(const std::string& path);

/// Asks every probe at once for every spec; results carry vantage = the probe URL. A
/// probe that cannot be reached yields one result per spec with `error` set
/// ("probe <url>: <why>"). Results are grouped by probe in the order of `probe_urls`,
/// each group in the order of `specs`. With a key, requests are signed and answers not
/// signed with the same key are rejected; `rules.allowed_ports` is sent, but a probe
/// applies its own list.
std::vector<CheckResult> QueryProbes(const std::vector<std::string>& probe_urls,
                                     const std::string& key,
                                     const std::vector<FetchSpec>& specs,
                                     const FetchRules& rules);

}  // namespace dcv
