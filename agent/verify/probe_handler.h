// The probe protocol without the network: decides whether a request to the probe is
// admitted (path, method, signature, JSON shape, every URL http/https on an allowed
// port) and turns fetch results into the answer. The server (probe_server.cc) only
// moves bytes and runs the admitted job off its I/O thread.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "agent/verify/check_result.h"
#include "agent/verify/probe.h"
#include "agent/verify/probe_auth.h"

namespace dcv {

/// The one endpoint a probe serves.
inline constexpr char kProbeFetchPath[] = "/v1/fetch";

/// What the server read off the wire.
struct ProbeRequest {
  std::string method;
  std::string target;
  std::string body;
  ProbeSignature signature;  // from the X-DCV-* headers; empty when absent
};

/// An HTTP answer with a JSON body.
struct ProbeReply {
  int status = 200;
  std::string body;
  std::string signature;  // X-DCV-Signature of the answer; empty without a key
};

/// A request that passed every check: fetch these specs under these rules.
struct ProbeJob {
  std::vector<FetchSpec> specs;
  FetchRules rules;  // the client's, clamped, with the probe's own allowed ports
  bool allow_private = false;  // false: non-public addresses are refused when dialled
};

/// Largest answer body ResultsReply produces; the client reads at most 4 MiB.
inline constexpr std::size_t kMaxProbeReplyBytes = 3 * 1024 * 1024;

class ProbeRequestHandler {
 public:
  explicit ProbeRequestHandler(const ProbeServeOptions& options);

  /// The job to run, or the refusal to send ({"error": "..."}: 404, 405, 401, 400).
  /// Nothing is fetched here, so a refused request never reaches the network.
  std::variant<ProbeJob, ProbeReply> Admit(const ProbeRequest& request,
                                           std::int64_t now_unix_seconds);

  /// Signs `reply` as the answer to `request` when the probe has a key.
  void Sign(ProbeReply& reply, const ProbeRequest& request) const;

  /// {"results": [...]} with status 200. Every URL, Location and error text is cut to a
  /// bounded length, so the answer stays under kMaxProbeReplyBytes (else a 500).
  static ProbeReply ResultsReply(const std::vector<CheckResult>& results);

  /// {"error": message} with `status`.
  static ProbeReply ErrorReply(int status, const std::string& message);

 private:
  std::variant<ProbeJob, ProbeReply> ParseJob(const std::string& body) const;

  ProbeServeOptions options_;
  ProbeAuthenticator authenticator_;
};

}  // namespace dcv
