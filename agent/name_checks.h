// Name checks made before anything else: IDN names converted to the ASCII form the CA
// validates (libidn2, IDNA 2008), and SENSITIVE_NAME for names that CAs send to manual
// review (high-risk words, government and education domains).
#pragma once

#include <optional>
#include <string>

#include "agent/core/finding.h"
#include "agent/core/result.h"

namespace dcv {

/// `name` with every non-ASCII label converted to its A-label ("bücher.example" ->
/// "xn--bcher-kva.example"); ASCII names are returned as they are. The error is libidn2's.
Result<std::string> ToAsciiName(const std::string& name);

/// A SENSITIVE_NAME warning for `domain` (lower case, ASCII), or nothing.
std::optional<Finding> SensitiveNameFinding(const std::string& domain);

}  // namespace dcv
