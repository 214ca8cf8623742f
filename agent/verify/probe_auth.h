// Authentication of probe requests with a shared key. The client signs
//   method "\n" target "\n" timestamp "\n" nonce "\n" hex(SHA-256(body))
// with HMAC-SHA256 and sends X-DCV-Timestamp, X-DCV-Nonce and X-DCV-Signature; the
// server recomputes it, refuses timestamps more than kProbeClockSkew away from its
// clock, and refuses a nonce it has already seen within that window (replay).
// The answer is signed too, over status "\n" request nonce "\n" hex(SHA-256(body)) in
// X-DCV-Signature, so that a forged "200, content matches" cannot pass as the probe's.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "agent/core/result.h"

namespace dcv {

inline constexpr char kTimestampHeader[] = "X-DCV-Timestamp";
inline constexpr char kNonceHeader[] = "X-DCV-Nonce";
inline constexpr char kSignatureHeader[] = "X-DCV-Signature";
inline constexpr std::int64_t kProbeClockSkew = 300;  // seconds, either way

/// Lower-case hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);

/// Lower-case hex of HMAC-SHA256(key, message).
std::string HmacSha256Hex(std::string_view key, std::string_view message);

/// The three authentication header values of one request.
struct ProbeSignature {
  std::string timestamp;  // unix seconds, decimal
  std::string nonce;      // 32 random hex digits
  std::string signature;  // HmacSha256Hex over the canonical string
};

/// The string that is signed (see the top of this file).
std::string CanonicalProbeRequest(std::string_view method, std::string_view target,
                                  std::string_view timestamp, std::string_view nonce,
                                  std::string_view body);

/// Signs a request made now with a fresh random nonce.
ProbeSignature SignProbeRequest(std::string_view key, std::string_view method,
                                std::string_view target, std::string_view body,
                                std::int64_t now_unix_seconds);

/// The X-DCV-Signature value of an answer to the request that carried `nonce`.
std::string SignProbeResponse(std::string_view key, int status, std::string_view nonce,
                              std::string_view body);

/// Whether `signature` is SignProbeResponse(...) (constant-time comparison).
bool VerifyProbeResponse(std::string_view key, int status, std::string_view nonce,
                         std::string_view body, std::string_view signature);

/// Checks signatures and remembers nonces; safe to call from several threads.
class ProbeAuthenticator {
 public:
  explicit ProbeAuthenticator(std::string key) : key_(std::move(key)) {}

  /// An Error saying why the request is refused (missing header, bad signature, stale
  /// timestamp, replayed nonce); a nonce is only remembered once everything else passed.
  Result<void> Verify(std::string_view method, std::string_view target,
                      const ProbeSignature& presented, std::string_view body,
                      std::int64_t now_unix_seconds);

 private:
  void ForgetOldNonces(std::int64_t now_unix_seconds);

  std::string key_;
  std::mutex mutex_;
  std::map<std::string, std::int64_t> seen_nonces_;  // nonce -> timestamp it came with
};

/// Seconds since the epoch, from the system clock.
std::int64_t UnixNow();

}  // namespace dcv
