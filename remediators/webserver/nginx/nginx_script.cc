// Variable expansion, regexes and `if` conditions for the predictor. Values the CA's
// request determines are known: the Host, scheme and port, the URI, an empty query
// string, GET, and empty values for request headers the CA does not send
// ($http_x_forwarded_proto and friends). Values it does not determine (the client
// address, cookies set by an application, User-Agent, a `map` over those) are unknown,
// and a prediction that depends on them says so instead of guessing.
#include "remediators/webserver/nginx/nginx_script.h"

#include <cctype>
#include <cstdint>
#include <memory>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace dcv::nginx {
namespace {

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::optional<std::string> Variable(const std::string& name, const ScriptState& s) {
  const Request& r = *s.request;
  if (auto it = s.vars.find(name); it != s.vars.end()) return it->second;
  if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) {
    size_t n = static_cast<size_t>(std::stoi(name));
    return n < s.captures.size() ? s.captures[n] : std::string();
  }
  if (name == "host" || name == "http_host") return r.host;
  if (name == "scheme") return r.scheme;
  if (name == "https") return std::string(r.scheme == "https" ? "on" : "");
  if (name == "server_port") return std::to_string(r.port);
  if (name == "uri" || name == "document_uri" || name == "fastcgi_script_name") return s.uri;
  if (name == "request_uri") return r.uri;
  if (name == "args" || name == "query_string" || name == "is_args") return std::string();
  if (name == "request_method") return std::string("GET");
  if (name == "server_protocol") return std::string("HTTP/1.1");
  if (name == "server_name") return s.server->names.empty() ? "" : s.server->names[0];
  if (name == "document_root" || name == "realpath_root") return s.document_root;
  if (name == "request_filename") {
    if (!s.document_root) return std::nullopt;
    return *s.document_root + s.uri;
  }
  if (auto mapped = MapVariable(name, s)) return *mapped;
  if (name.rfind("arg_", 0) == 0 || name.rfind("cookie_", 0) == 0) return std::string();
  if (name.rfind("http_", 0) == 0 && name != "http_user_agent" && name != "http_accept" &&
      name != "http_connection") {
    return std::string();  // a header the CA does not send
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> Expand(std::string_view text, const ScriptState& state) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    size_t start = i + 1;
    std::string name;
    if (text[start] == '{') {
      size_t close = text.find('}', start);
      if (close == std::string_view::npos) return std::nullopt;
      name = std::string(text.substr(start + 1, close - start - 1));
      i = close;
    } else if (std::isdigit(static_cast<unsigned char>(text[start]))) {
      name = std::string(1, text[start]);
      i = start;
    } else {
      size_t end = start;
      while (end < text.size() && IsNameChar(text[end])) ++end;
      if (end == start) {
        out += '$';
        continue;
      }
      name = std::string(text.substr(start, end - start));
      i = end - 1;
    }
    std::optional<std::string> value = Variable(name, state);
    if (!value) return std::nullopt;
    out += *value;
  }
  return out;
}

std::optional<bool> RegexSearch(const std::string& pattern, const std::string& subject,
                                bool caseless, std::vector<std::string>* captures) {
  // PCRE2, the engine nginx itself is built with: named groups, inline flags and
  // lookbehind mean what they mean to nginx. A pattern PCRE2 rejects is one nginx -t
  // rejects too: unknown here.
  int error = 0;
  PCRE2_SIZE offset = 0;
  std::unique_ptr<pcre2_code, decltype(&pcre2_code_free)> code(
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), caseless ? PCRE2_CASELESS : 0,
                    &error, &offset, nullptr),
      &pcre2_code_free);
  if (!code) return std::nullopt;
  std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> match(
      pcre2_match_data_create_from_pattern(code.get(), nullptr), &pcre2_match_data_free);
  const int rc = pcre2_match(code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0,
                             match.get(), nullptr);
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) return std::nullopt;  // a resource limit: nginx would log an error
  if (captures != nullptr) {
    captures->clear();
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match.get());
    const std::uint32_t groups = pcre2_get_ovector_count(match.get());
    for (std::uint32_t g = 0; g < groups; ++g) {
      const PCRE2_SIZE from = ovector[2 * g], to = ovector[2 * g + 1];
      captures->push_back(from == PCRE2_UNSET ? std::string() : subject.substr(from, to - from));
    }
  }
  return true;
}

namespace {

std::vector<std::string> StripParens(std::vector<std::string> args) {
  if (!args.empty() && !args.front().empty() && args.front()[0] == '(') {
    args.front().erase(0, 1);
    if (args.front().empty()) args.erase(args.begin());
  }
  if (!args.empty() && !args.back().empty() && args.back().back() == ')') {
    args.back().pop_back();
    if (args.back().empty()) args.pop_back();
  }
  return args;
}

std::optional<bool> FileTest(const std::string& op, const std::string& arg, ScriptState& s) {
  std::optional<std::string> path = Expand(arg, s);
  if (!path) return std::nullopt;
  bool negate = op[0] == '!';
  char kind = op.back();
  bool result;
  if (kind == 'f') {
    result = s.files->is_file(*path);
  } else if (kind == 'd') {
    result = s.files->is_dir(*path);
  } else if (kind == 'e') {
    result = s.files->is_file(*path) || s.files->is_dir(*path);
  } else {
    return std::nullopt;  // -x: executable bit, not modelled
  }
  return negate ? !result : result;
}

}  // namespace

std::optional<bool> EvalCondition(const std::vector<std::string>& raw, ScriptState& s) {
  std::vector<std::string> args = StripParens(raw);
  if (args.size() == 2 && (args[0].size() == 2 || args[0].size() == 3) &&
      args[0].find('-') != std::string::npos) {
    return FileTest(args[0], args[1], s);
  }
  if (args.empty() || args[0].empty() || args[0][0] != '$') return std::nullopt;
  std::optional<std::string> value = Expand(args[0], s);
  if (!value) return std::nullopt;
  if (args.size() == 1) return !value->empty() && *value != "0";
  if (args.size() != 3) return std::nullopt;
  const std::string& op = args[1];
  if (op == "=" || op == "!=") {
    std::optional<std::string> rhs = Expand(args[2], s);
    if (!rhs) return std::nullopt;
    return (*value == *rhs) == (op == "=");
  }
  if (op == "~" || op == "~*" || op == "!~" || op == "!~*") {
    std::vector<std::string> captures;
    std::optional<bool> m = RegexSearch(args[2], *value, op.back() == '*', &captures);
    if (!m) return std::nullopt;
    if (*m) s.captures = std::move(captures);
    return op[0] == '!' ? !*m : *m;
  }
  return std::nullopt;
}

}  // namespace dcv::nginx
