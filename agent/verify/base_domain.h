// The base (registrable) domain of a host name, from the Public Suffix List through libpsl
// and Debian's publicsuffix data: "www.example.co.uk" -> "example.co.uk". DigiCert follows a
// redirect only while it stays within the validated name's base domain.
#pragma once

#include <string>

namespace dcv {

/// Lower case; the host itself when it is a public suffix, an IP literal or unknown to the list.
std::string BaseDomain(const std::string& host);

}  // namespace dcv
