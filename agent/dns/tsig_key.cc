// Reading TSIG key files. Two formats, told apart by the first word: a BIND `key` clause
// (tsig-keygen, ddns-confgen; comments `#`, `//` and `/* */` allowed) or one line of
// `algorithm:name:secret` (nsupdate -y, knot). Errors name the file and the line, because a
// key file is hand-edited more often than not. The secret is checked to be base64 here so
// that a typo is reported before anything is sent, not as BADSIG from the server.
#include "agent/dns/tsig_key.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

namespace dcv {
namespace {

struct Token {
  std::string text;
  int line = 0;
  bool quoted = false;
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The algorithm as ldns names it ("hmac-sha256."), or "" when ldns cannot sign with it.
std::string LdnsAlgorithm(std::string name) {
  name = Lower(name);
  if (!name.empty() && name.back() == '.') name.pop_back();
  if (name == "hmac-md5" || name == "hmac-md5.sig-alg.reg.int") return "hmac-md5.sig-alg.reg.int.";
  if (name == "hmac-sha1" || name == "hmac-sha256" || name == "hmac-sha512") return name + ".";
  return "";
}

// RFC 4648 base64 with padding: the form every key generator writes.
bool IsBase64(const std::string& secret) {
  if (secret.size() < 4 || secret.size() % 4 != 0) return false;
  const std::size_t padding = secret.size() - (secret.find_last_not_of('=') + 1);
  if (padding > 2) return false;
  return std::all_of(secret.begin(), secret.end() - static_cast<long>(padding), [](unsigned char c) {
    return std::isalnum(c) || c == '+' || c == '/';
  });
}

Error At(const std::string& source, int line, const std::string& what) {
  return MakeError("TSIG key file '" + source + "' line " + std::to_string(line) + ": " + what);
}

Result<TsigKey> Checked(TsigKey key, const std::string& algorithm, const std::string& source, int line) {
  key.algorithm = LdnsAlgorithm(algorithm);
  if (key.algorithm.empty()) {
    return At(source, line, "algorithm '" + algorithm + "' is not supported (use hmac-sha256, hmac-sha512, "
                                                        "hmac-sha1 or hmac-md5)");
  }
  if (key.name.empty()) return At(source, line, "the key has no name");
  key.name = Lower(key.name);
  if (key.name.back() != '.') key.name += '.';
  if (!IsBase64(key.secret)) return At(source, line, "the secret is not base64");
  return key;
}

std::vector<Token> Tokenize(const std::string& text) {
  std::vector<Token> tokens;
  int line = 1;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\n') { ++line; ++i; continue; }
    if (std::isspace(static_cast<unsigned char>(c))) { ++i; continue; }
    if (c == '#' || text.compare(i, 2, "//") == 0) { i = text.find('\n', i); if (i == std::string::npos) break; continue; }
    if (text.compare(i, 2, "/*") == 0) {
      const std::size_t end = text.find("*/", i + 2);
      line += static_cast<int>(std::count(text.begin() + i, end == std::string::npos ? text.end() : text.begin() + end, '\n'));
      if (end == std::string::npos) break;
      i = end + 2;
      continue;
    }
    if (c == '{' || c == '}' || c == ';') { tokens.push_back({std::string(1, c), line, false}); ++i; continue; }
    if (c == '"') {
      const std::size_t end = text.find('"', i + 1);
      if (end == std::string::npos) { tokens.push_back({"\"", line, false}); break; }  // reported by the parser
      tokens.push_back({text.substr(i + 1, end - i - 1), line, true});
      i = end + 1;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '{' &&
           text[end] != '}' && text[end] != ';' && text[end] != '"') ++end;
    tokens.push_back({text.substr(i, end - i), line, false});
    i = end;
  }
  return tokens;
}

// key "NAME" { algorithm ALG; secret "SECRET"; };
Result<TsigKey> ParseBindClause(const std::vector<Token>& tokens, const std::string& source) {
  std::size_t i = 0;
  auto expect = [&](const std::string& what) -> Result<void> {
    if (i >= tokens.size()) return At(source, tokens.empty() ? 1 : tokens.back().line, "expected '" + what + "' at the end");
    if (tokens[i].quoted || tokens[i].text != what) {
      return At(source, tokens[i].line, "expected '" + what + "', found '" + tokens[i].text + "'");
    }
    ++i;
    return {};
  };
  if (auto k = expect("key"); !k) return k.error();
  if (i >= tokens.size() || tokens[i].text == "{") return At(source, tokens[i - 1].line, "the key has no name");
  TsigKey key{tokens[i++].text, "", ""};
  const int start_line = tokens[0].line;
  if (auto b = expect("{"); !b) return b.error();
  std::string algorithm;
  while (i < tokens.size() && !(tokens[i].text == "}" && !tokens[i].quoted)) {
    const Token& word = tokens[i++];
    if (i >= tokens.size()) return At(source, word.line, "'" + word.text + "' has no value");
    const Token& value = tokens[i++];
    if (word.text == "algorithm") algorithm = value.text;
    else if (word.text == "secret") key.secret = value.text;
    else return At(source, word.line, "unknown statement '" + word.text + "' in the key clause");
    if (auto s = expect(";"); !s) return s.error();
  }
  if (auto b = expect("}"); !b) return b.error();
  if (i < tokens.size() && tokens[i].text == ";") ++i;
  if (i < tokens.size()) return At(source, tokens[i].line, "more than one key in the file; give a file with one");
  if (algorithm.empty()) return At(source, start_line, "the key clause has no algorithm");
  if (key.secret.empty()) return At(source, start_line, "the key clause has no secret");
  return Checked(std::move(key), algorithm, source, start_line);
}

// algorithm:name:secret on the first line that is not empty or a comment.
Result<TsigKey> ParseOneLine(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    line.erase(0, line.find_first_not_of(" \t\r"));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (line.empty() || line[0] == '#') continue;
    const std::size_t first = line.find(':'), last = line.rfind(':');
    if (first == std::string::npos || first == last) {
      return At(source, number, "expected 'algorithm:name:secret' or a BIND key clause");
    }
    TsigKey key{line.substr(first + 1, last - first - 1), "", line.substr(last + 1)};
    return Checked(std::move(key), line.substr(0, first), source, number);
  }
  return MakeError("TSIG key file '" + source + "' has no key");
}

}  // namespace

Result<TsigKey> ParseTsigKey(const std::string& text, const std::string& source) {
  const std::vector<Token> tokens = Tokenize(text);
  if (!tokens.empty() && !tokens[0].quoted && tokens[0].text == "key") return ParseBindClause(tokens, source);
  return ParseOneLine(text, source);
}

Result<TsigKey> ReadTsigKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError("cannot read TSIG key file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > 64 * 1024) return MakeError("TSIG key file '" + path + "' is too large to be a key");
  return ParseTsigKey(text.str(), path);
}

}  // namespace dcv
