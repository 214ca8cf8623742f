// HMAC request signing for the probe protocol, on OpenSSL's libcrypto (one-shot HMAC()
// and SHA256(), RAND_bytes for nonces, CRYPTO_memcmp for a constant-time comparison).
// Also the key-file reader declared in probe.h, since the key lives here.
#include "agent/verify/probe_auth.h"

#include <charconv>
#include <fstream>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "agent/verify/probe.h"

namespace dcv {
namespace {

std::string Hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    hex += kDigits[bytes[i] >> 4];
    hex += kDigits[bytes[i] & 0xf];
  }
  return hex;
}

std::string RandomNonce() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  return Hex(bytes, sizeof bytes);
}

std::optional<std::int64_t> ParseUnixSeconds(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return Hex(digest, sizeof digest);
}

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &size);
  return Hex(digest, size);
}

std::string CanonicalProbeRequest(std::string_view method, std::string_view target,
                                  std::string_view timestamp, std::string_view nonce,
                                  std::string_view body) {
  std::string canonical;
  for (std::string_view part : {method, target, timestamp, nonce}) {
    canonical.append(part);
    canonical += '\n';
  }
  canonical += Sha256Hex(body);
  return canonical;
}

ProbeSignature SignProbeRequest(std::string_view key, std::string_view method,
                                std::string_view target, std::string_view body,
                                std::int64_t now_unix_seconds) {
  ProbeSignature signature{std::to_string(now_unix_seconds), RandomNonce(), ""};
  signature.signature = HmacSha256Hex(
      key, CanonicalProbeRequest(method, target, signature.timestamp, signature.nonce, body));
  return signature;
}

std::string SignProbeResponse(std::string_view key, int status, std::string_view nonce,
                              std::string_view body) {
  std::string canonical = std::to_string(status) + "\n" + std::string(nonce) + "\n" +
                          Sha256Hex(body);
  return HmacSha256Hex(key, canonical);
}

bool VerifyProbeResponse(std::string_view key, int status, std::string_view nonce,
                         std::string_view body, std::string_view signature) {
  std::string expected = SignProbeResponse(key, status, nonce, body);
  return expected.size() == signature.size() &&
         CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

Result<void> ProbeAuthenticator::Verify(std::string_view method, std::string_view target,
                                        const ProbeSignature& presented,
                                        std::string_view body, std::int64_t now_unix_seconds) {
  if (presented.timestamp.empty() || presented.nonce.empty() || presented.signature.empty()) {
    return MakeError("missing X-DCV-Timestamp, X-DCV-Nonce or X-DCV-Signature");
  }
  std::string expected = HmacSha256Hex(
      key_, CanonicalProbeRequest(method, target, presented.timestamp, presented.nonce, body));
  if (expected.size() != presented.signature.size() ||
      CRYPTO_memcmp(expected.data(), presented.signature.data(), expected.size()) != 0) {
    return MakeError("bad signature");
  }
  std::optional<std::int64_t> timestamp = ParseUnixSeconds(presented.timestamp);
  if (!timestamp || *timestamp < now_unix_seconds - kProbeClockSkew ||
      *timestamp > now_unix_seconds + kProbeClockSkew) {
    return MakeError("timestamp " + presented.timestamp + " is more than " +
                     std::to_string(kProbeClockSkew) + " s from this probe's clock");
  }
  std::lock_guard lock(mutex_);
  ForgetOldNonces(now_unix_seconds);
  if (!seen_nonces_.emplace(presented.nonce, *timestamp).second) {
    return MakeError("nonce " + presented.nonce + " was already used (replay)");
  }
  return {};
}

void ProbeAuthenticator::ForgetOldNonces(std::int64_t now_unix_seconds) {
  // A nonce older than the window can never pass the timestamp check again.
  for (auto it = seen_nonces_.begin(); it != seen_nonces_.end();) {
    it = it->second < now_unix_seconds - kProbeClockSkew ? seen_nonces_.erase(it) : ++it;
  }
}

std::int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::string> ReadProbeKey(const std::string& path) {
  std::ifstream file(path);
  std::string line;
  if (!file || !std::getline(file, line)) {
    return MakeError("cannot read the probe key file " + path);
  }
  std::size_t begin = line.find_first_not_of(" \t\r\n");
  std::size_t end = line.find_last_not_of(" \t\r\n");
  if (begin == std::string::npos) return MakeError("the probe key file " + path + " is empty");
  return Result<std::string>(boost::system::in_place_value, line.substr(begin, end - begin + 1));
}

}  // namespace dcv
