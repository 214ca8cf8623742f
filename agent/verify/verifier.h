// The CA-like HTTP verifier: fetches validation URLs the way a CA's validation authority
// does (libcurl, our own redirect handling with the CA's rules, one address family per
// fetch, certificate not verified), all concurrently.
#pragma once

#include <vector>

#include "agent/verify/check_result.h"
#include "agent/verify/hop_transfer.h"

namespace dcv {

/// Fetches every spec at once; the results are in the order of `specs`, each with
/// vantage "local". The wall time is about that of the slowest single fetch. With a
/// `filter`, every address of every hop is checked before it is dialled (the probe's
/// refusal of non-public addresses); a result whose every address was refused has an
/// error naming the reason and nothing fetched.
std::vector<CheckResult> FetchAll(const std::vector<FetchSpec>& specs, const FetchRules& rules,
                                  AddressFilter filter = nullptr);

}  // namespace dcv
