// A small recursive-descent evaluator of ap_expr for <If>: a tokenizer (quoted strings
// with %{VAR} inside, m#regex#flags and /regex/flags, operators, words), then
//   expr := and ("||" and)* ; and := unary ("&&" unary)* ; unary := "!" unary | "(" expr ")"
//         | "-f"|"-d"|... word | word op word | word "in" "{" word, ... "}" | true | false.
// Variables the CA's request fixes (HTTP_HOST, HTTPS, REQUEST_URI, ...) have their values;
// headers the CA does not send are empty; anything else (REMOTE_ADDR, -R/-ipmatch, env,
// unknown functions) makes the whole expression unknown, never a guess.
#include "remediators/webserver/apache/apache_expr.h"

#include <fnmatch.h>

#include <cctype>
#include <vector>

#include "remediators/webserver/apache/apache_config.h"
#include "remediators/webserver/apache/apache_rewrite.h"

namespace dcv::apache {
namespace {

struct Token {
  enum Kind { kWord, kString, kRegex, kOp, kEnd } kind = kEnd;
  std::string text;
  bool nocase = false;  // regex flag i
};

std::optional<std::vector<Token>> Tokenize(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) { ++i; continue; }
    if (c == '\'' || c == '"') {
      size_t end = s.find(c, i + 1);
      if (end == std::string::npos) return std::nullopt;
      out.push_back({Token::kString, s.substr(i + 1, end - i - 1)});
      i = end + 1;
    } else if ((c == 'm' && i + 1 < s.size() && std::ispunct(static_cast<unsigned char>(s[i + 1]))) || c == '/') {
      char delim = c == '/' ? '/' : s[i + 1];
      size_t start = c == '/' ? i + 1 : i + 2;
      size_t end = s.find(delim, start);
      if (end == std::string::npos) return std::nullopt;
      Token t{Token::kRegex, s.substr(start, end - start)};
      i = end + 1;
      while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) t.nocase = t.nocase || s[i++] == 'i';
      out.push_back(t);
    } else if (c == '%' && i + 1 < s.size() && s[i + 1] == '{') {
      size_t end = s.find('}', i);
      if (end == std::string::npos) return std::nullopt;
      out.push_back({Token::kWord, s.substr(i, end - i + 1)});
      i = end + 1;
    } else if (std::string("!=<>&|(){},~").find(c) != std::string::npos) {
      std::string op(1, c);
      if (i + 1 < s.size() && std::string("=&|~").find(s[i + 1]) != std::string::npos) op += s[i + 1];
      out.push_back({Token::kOp, op});
      i += op.size();
    } else {
      size_t end = i;
      while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])) &&
             std::string("'\"(){},=!<>&|").find(s[end]) == std::string::npos)
        ++end;
      if (end == i) return std::nullopt;
      out.push_back({Token::kWord, s.substr(i, end - i)});
      i = end;
    }
  }
  out.push_back({Token::kEnd, ""});
  return out;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const ExprContext& ctx) : t_(std::move(tokens)), ctx_(ctx) {}

  std::optional<bool> Parse() {
    std::optional<bool> v = Or();
    if (!v || t_[pos_].kind != Token::kEnd) return std::nullopt;
    return v;
  }

 private:
  const Token& Peek() const { return t_[pos_]; }
  bool IsOp(const char* op) const { return Peek().kind == Token::kOp && Peek().text == op; }

  std::optional<bool> Or() {
    std::optional<bool> v = And();
    while (v && IsOp("||")) {
      ++pos_;
      std::optional<bool> r = And();
      if (!r) return std::nullopt;
      v = *v || *r;
    }
    return v;
  }
  std::optional<bool> And() {
    std::optional<bool> v = Unary();
    while (v && IsOp("&&")) {
      ++pos_;
      std::optional<bool> r = Unary();
      if (!r) return std::nullopt;
      v = *v && *r;
    }
    return v;
  }
  std::optional<bool> Unary() {
    if (IsOp("!")) {
      ++pos_;
      std::optional<bool> v = Unary();
      return v ? std::optional<bool>(!*v) : std::nullopt;
    }
    if (IsOp("(")) {
      ++pos_;
      std::optional<bool> v = Or();
      if (!v || !IsOp(")")) return std::nullopt;
      ++pos_;
      return v;
    }
    if (Peek().kind == Token::kWord && (Peek().text == "true" || Peek().text == "false")) {
      return t_[pos_++].text == "true";
    }
    if (Peek().kind == Token::kWord && Peek().text.size() == 2 && Peek().text[0] == '-') return FileTest();
    return Comparison();
  }
  std::optional<bool> FileTest() {
    std::string op = t_[pos_++].text;
    std::optional<std::string> arg = Value();
    if (!arg) return std::nullopt;
    if (op == "-n") return !arg->empty();
    if (op == "-z") return arg->empty();
    if (op == "-f" || op == "-s" || op == "-F" || op == "-U") return ctx_.files->is_file(*arg);
    if (op == "-d") return ctx_.files->is_dir(*arg);
    if (op == "-e" || op == "-A") return ctx_.files->is_file(*arg) || ctx_.files->is_dir(*arg);
    return std::nullopt;  // -R, -h, -L, -x, ...: the client address, links, modes
  }
  std::optional<bool> Comparison() {
    std::optional<std::string> left = Value();
    if (!left) return std::nullopt;
    const Token op = t_[pos_++];
    if (op.kind == Token::kWord && op.text == "in") return InList(*left);
    if (op.text == "=~" || op.text == "!~") {
      if (Peek().kind != Token::kRegex) return std::nullopt;
      const Token re = t_[pos_++];
      bool ok = true;
      bool hit = RegexSearch(re.text, *left, re.nocase, nullptr, &ok);
      if (!ok) return std::nullopt;
      return op.text == "=~" ? hit : !hit;
    }
    std::optional<std::string> right = Value();
    if (!right) return std::nullopt;
    const std::string& o = op.text;
    if (o == "==" || o == "=") return *left == *right;
    if (o == "!=") return *left != *right;
    if (o == "<") return *left < *right;
    if (o == "<=") return *left <= *right;
    if (o == ">") return *left > *right;
    if (o == ">=") return *left >= *right;
    if (o == "-strmatch" || o == "-fnmatch") return fnmatch(right->c_str(), left->c_str(), 0) == 0;
    if (o == "-strcmatch") return fnmatch(right->c_str(), left->c_str(), FNM_CASEFOLD) == 0;
    if (IsInt(*left) && IsInt(*right)) {
      long a = std::stol(*left), b = std::stol(*right);
      if (o == "-eq") return a == b;
      if (o == "-ne") return a != b;
      if (o == "-lt") return a < b;
      if (o == "-le") return a <= b;
      if (o == "-gt") return a > b;
      if (o == "-ge") return a >= b;
    }
    return std::nullopt;
  }
  std::optional<bool> InList(const std::string& left) {
    if (!IsOp("{")) return std::nullopt;
    ++pos_;
    bool found = false;
    while (!IsOp("}")) {
      std::optional<std::string> item = Value();
      if (!item) return std::nullopt;
      found = found || *item == left;
      if (IsOp(",")) ++pos_;
      else if (!IsOp("}")) return std::nullopt;
    }
    ++pos_;
    return found;
  }
  static bool IsInt(const std::string& s) {
    return !s.empty() && s.find_first_not_of("-0123456789") == std::string::npos;
  }
  // A string, a %{VAR} or a function call such as req('Host'), with variables expanded.
  std::optional<std::string> Value() {
    const Token tok = t_[pos_++];
    if (tok.kind == Token::kString) return Interpolate(tok.text);
    if (tok.kind != Token::kWord) return std::nullopt;
    if (tok.text.rfind("%{", 0) == 0) return Variable(tok.text.substr(2, tok.text.size() - 3));
    if (IsOp("(")) {  // function(arg)
      ++pos_;
      std::optional<std::string> arg = Value();
      if (!arg || !IsOp(")")) return std::nullopt;
      ++pos_;
      std::string f = Lower(tok.text);
      if (f == "req" || f == "http" || f == "req_novary") return Variable("HTTP:" + *arg);
      if (f == "tolower") return Lower(*arg);
      return std::nullopt;
    }
    if (IsInt(tok.text)) return tok.text;
    return std::nullopt;
  }
  std::optional<std::string> Interpolate(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 1 < s.size() && s[i + 1] == '{') {
        size_t end = s.find('}', i);
        if (end == std::string::npos) return std::nullopt;
        std::optional<std::string> v = Variable(s.substr(i + 2, end - i - 2));
        if (!v) return std::nullopt;
        out += *v;
        i = end;
      } else {
        out += s[i];
      }
    }
    return out;
  }
  std::optional<std::string> Variable(const std::string& raw) const {
    const Request& r = *ctx_.request;
    std::string name = raw;
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (name == "HTTP_HOST" || name == "HTTP:HOST" || name == "SERVER_NAME") return r.host;
    if (name == "HTTPS") return std::string(r.scheme == "https" ? "on" : "off");
    if (name == "REQUEST_SCHEME") return r.scheme;
    if (name == "SERVER_PORT") return std::to_string(r.port);
    if (name == "REQUEST_URI" || name == "DOCUMENT_URI" || name == "CONTEXT_PREFIX") return ctx_.uri;
    if (name == "REQUEST_FILENAME" || name == "SCRIPT_FILENAME") return ctx_.filename;
    if (name == "DOCUMENT_ROOT") return ctx_.document_root;
    if (name == "REQUEST_METHOD") return std::string("GET");
    if (name == "QUERY_STRING" || name == "HTTP_COOKIE" || name == "HTTP_REFERER") return std::string();
    if (name == "THE_REQUEST") return "GET " + r.uri + " HTTP/1.1";
    if (name.rfind("HTTP:", 0) == 0 || name.rfind("HTTP_X_", 0) == 0) return std::string();  // not sent
    return std::nullopt;  // REMOTE_ADDR, env variables, HTTP_USER_AGENT, ...
  }

  std::vector<Token> t_;
  size_t pos_ = 0;
  const ExprContext& ctx_;
};

}  // namespace

std::optional<bool> EvalExpr(const std::string& expr, const ExprContext& ctx) {
  std::optional<std::vector<Token>> tokens = Tokenize(expr);
  if (!tokens) return std::nullopt;
  return Parser(std::move(*tokens), ctx).Parse();
}

}  // namespace dcv::apache
