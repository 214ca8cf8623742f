// The Diagnose phase of the dns method: for every domain, the TXT record the CA will look
// up, checked on every authoritative server; and CAA, for every method. Called by the pipeline.
#pragma once

#include <string>
#include <vector>

#include "agent/core/diagnosis.h"
#include "agent/core/target.h"
#include "agent/dns/delegation.h"

namespace dcv {

/// The owner name the CA queries for `domain`: --txt-name (a single label is put in front
/// of the domain, a dotted name is used as is), else `_acme-challenge.` for Let's Encrypt
/// and `_dnsauth.` for the file-style CAs. A leading "*." is dropped (RFC 8555 8.4).
std::string TxtRecordName(const Target& target, const std::string& domain);

/// Root servers from --root-hints, or the built-in ones.
Result<WalkOptions> WalkOptionsFor(const Target& target);

/// Appends the dns method's findings; returns what could not be found out.
std::vector<std::string> DiagnoseDns(const Target& target, Diagnosis& diagnosis);

/// CAA for every domain and method, when --ca names a CA. A failed lookup is a finding
/// for the dns method (the CA refuses after a failed CAA lookup) and a warning otherwise
/// (this host may not reach the DNS the way the CA does).
void DiagnoseCaa(const Target& target, Diagnosis& diagnosis);

}  // namespace dcv
