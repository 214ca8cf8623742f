// JSON forms of the verifier's types. The probe protocol sends FetchSpec and FetchRules
// and answers CheckResults; the agent's report prints CheckResults as its `checks`
// entries (DESIGN.md: url, family, vantage, status, location, content_match, error,
// plus redirects and body). One conversion, used by both, keeps them identical.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "agent/core/result.h"
#include "agent/verify/check_result.h"

namespace dcv {

/// Parses "ipv4" | "ipv6".
Result<Family> ParseFamily(std::string_view name);

/// The report's `checks` entry: location and error are null when absent.
nlohmann::json CheckResultToJson(const CheckResult& result);
/// The inverse of CheckResultToJson; an Error names the missing or mistyped key.
Result<CheckResult> CheckResultFromJson(const nlohmann::json& json);

/// {"url", "family", "expected_content"}.
nlohmann::json FetchSpecToJson(const FetchSpec& spec);
Result<FetchSpec> FetchSpecFromJson(const nlohmann::json& json);

/// Every FetchRules field by name; `allowed_ports` as an array of numbers.
nlohmann::json FetchRulesToJson(const FetchRules& rules);
/// Keys that are absent keep their defaults; present keys must have the right type.
Result<FetchRules> FetchRulesFromJson(const nlohmann::json& json);

}  // namespace dcv
