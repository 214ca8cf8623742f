// JSON conversion of FetchSpec, FetchRules and CheckResult. Parsing is strict about
// types (a probe answer or request with a mistyped key is refused with the key's name)
// and lenient about absence where a default exists, so that older peers keep working
// when fields are added.
#include "agent/verify/check_json.h"

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

namespace dcv {
namespace {

using nlohmann::json;

// Whether `value` becomes a T without undefined behaviour: nlohmann converts a float (1e11)
// or a too large integer to an integer type with a plain static_cast.
template <class T>
bool ConvertsExactly(const json& value) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (value.is_number_unsigned()) return std::in_range<T>(value.get<std::uint64_t>());
    return value.is_number_integer() && std::in_range<T>(value.get<std::int64_t>());
  } else if constexpr (requires { typename T::value_type; } && !std::is_same_v<T, std::string>) {
    if (!value.is_array()) return true;  // get<T> reports the type error
    for (const json& element : value) {
      if (!ConvertsExactly<typename T::value_type>(element)) return false;
    }
    return true;
  } else {
    return true;
  }
}

// Reads json[key] into `out` when present; an Error when it has the wrong type.
template <class T>
Result<void> ReadOptional(const json& object, const char* key, T& out) {
  auto it = object.find(key);
  if (it == object.end()) return {};
  if (!ConvertsExactly<T>(*it)) {
    return MakeError(std::string("key \"") + key + "\" is not a whole number in range");
  }
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    return MakeError(std::string("key \"") + key + "\" has the wrong type");
  }
  return {};
}

// Like ReadOptional, but the key must be there.
template <class T>
Result<void> ReadRequired(const json& object, const char* key, T& out) {
  if (!object.contains(key)) return MakeError(std::string("key \"") + key + "\" is missing");
  return ReadOptional(object, key, out);
}

// Reads a string-or-null key into an optional string.
Result<void> ReadNullable(const json& object, const char* key,
                          std::optional<std::string>& out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    out.reset();
    return {};
  }
  if (!it->is_string()) return MakeError(std::string("key \"") + key + "\" is not a string");
  out = it->get<std::string>();
  return {};
}

json NullableToJson(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

const char* FamilyName(Family family) {
  return family == Family::kIpv6 ? "ipv6" : "ipv4";
}

Result<Family> ParseFamily(std::string_view name) {
  if (name == "ipv4") return Family::kIpv4;
  if (name == "ipv6") return Family::kIpv6;
  return MakeError("unknown address family \"" + std::string(name) +
                   "\" (expected ipv4 or ipv6)");
}

json CheckResultToJson(const CheckResult& result) {
  return json{{"url", result.url},
              {"family", result.family},
              {"vantage", result.vantage},
              {"status", result.status},
              {"location", NullableToJson(result.location)},
              {"content_match", result.content_match},
              {"error", NullableToJson(result.error)},
              {"redirects", result.redirects},
              {"body", result.body},
              {"connect_failed", result.connect_failed},
              {"no_address", result.no_address}};
}

Result<CheckResult> CheckResultFromJson(const json& object) {
  if (!object.is_object()) return MakeError("a check result is not a JSON object");
  CheckResult result;
  for (Result<void> read : {ReadRequired(object, "url", result.url),
                            ReadRequired(object, "family", result.family),
                            ReadOptional(object, "vantage", result.vantage),
                            ReadRequired(object, "status", result.status),
                            ReadNullable(object, "location", result.location),
                            ReadRequired(object, "content_match", result.content_match),
                            ReadNullable(object, "error", result.error),
                            ReadOptional(object, "redirects", result.redirects),
                            ReadOptional(object, "body", result.body),
                            ReadOptional(object, "connect_failed", result.connect_failed),
                            ReadOptional(object, "no_address", result.no_address)}) {
    if (!read) return read.error();
  }
  return result;
}

json FetchSpecToJson(const FetchSpec& spec) {
  return json{{"url", spec.url},
              {"family", FamilyName(spec.family)},
              {"expected_content", spec.expected_content}};
}

Result<FetchSpec> FetchSpecFromJson(const json& object) {
  if (!object.is_object()) return MakeError("a fetch spec is not a JSON object");
  FetchSpec spec;
  std::string family;
  for (Result<void> read : {ReadRequired(object, "url", spec.url),
                            ReadRequired(object, "family", family),
                            ReadOptional(object, "expected_content", spec.expected_content)}) {
    if (!read) return read.error();
  }
  Result<Family> parsed = ParseFamily(family);
  if (!parsed) return parsed.error();
  spec.family = *parsed;
  return spec;
}

json FetchRulesToJson(const FetchRules& rules) {
  return json{{"max_redirects", rules.max_redirects},
              {"allow_303", rules.allow_303},
              {"max_body_bytes", rules.max_body_bytes},
              {"require_exact_200", rules.require_exact_200},
              {"connect_timeout_ms", rules.connect_timeout_ms},
              {"total_timeout_ms", rules.total_timeout_ms},
              {"allowed_ports", rules.allowed_ports}};
}

Result<FetchRules> FetchRulesFromJson(const json& object) {
  if (!object.is_object()) return MakeError("fetch rules are not a JSON object");
  FetchRules rules;
  for (Result<void> read :
       {ReadOptional(object, "max_redirects", rules.max_redirects),
        ReadOptional(object, "allow_303", rules.allow_303),
        ReadOptional(object, "max_body_bytes", rules.max_body_bytes),
        ReadOptional(object, "require_exact_200", rules.require_exact_200),
        ReadOptional(object, "connect_timeout_ms", rules.connect_timeout_ms),
        ReadOptional(object, "total_timeout_ms", rules.total_timeout_ms),
        ReadOptional(object, "allowed_ports", rules.allowed_ports)}) {
    if (!read) return read.error();
  }
  return rules;
}

}  // namespace dcv
