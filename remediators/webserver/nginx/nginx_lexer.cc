// Tokenizer for nginx configuration files. It follows ngx_conf_read_token() closely so
// that the agent sees the same words nginx sees: a comment starts only where a word could
// start, a quote only at the start of a word (and must be followed by whitespace, `;`,
// `{` or `)`), `{` right after `$` belongs to the word (`${var}`), and of the backslash
// escapes only \" \' \\ \t \r \n are resolved (a regex's `\.` stays `\.`).
#include "remediators/webserver/nginx/nginx_lexer.h"

namespace dcv::nginx {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

void Lexer::SkipSpaceAndComments() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '\n') {
      ++line_;
      ++pos_;
    } else if (IsSpace(c)) {
      ++pos_;
    } else if (c == '#') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    } else {
      return;
    }
  }
}

std::string Lexer::Unescape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      char n = raw[i + 1];
      if (n == '"' || n == '\'' || n == '\\') {
        out += n;
        ++i;
        continue;
      }
      if (n == 't' || n == 'r' || n == 'n') {
        out += n == 't' ? '\t' : n == 'r' ? '\r' : '\n';
        ++i;
        continue;
      }
    }
    out += raw[i];
  }
  return out;
}

Token Lexer::ReadQuoted(char quote) {
  Token token{TokenKind::kWord, {}, line_, static_cast<uint32_t>(pos_)};
  size_t start = ++pos_;
  while (pos_ < text_.size() && text_[pos_] != quote) {
    if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) {
    return {TokenKind::kError, "unexpected end of file in a quoted string", token.line,
            token.offset};
  }
  token.text = Unescape(text_.substr(start, pos_ - start));
  ++pos_;  // the closing quote
  if (pos_ < text_.size()) {
    char c = text_[pos_];
    if (!IsSpace(c) && c != ';' && c != '{' && c != ')') {
      return {TokenKind::kError, std::string("unexpected \"") + c + "\"", line_,
              static_cast<uint32_t>(pos_)};
    }
  }
  return token;
}

Token Lexer::ReadBare() {
  Token token{TokenKind::kWord, {}, line_, static_cast<uint32_t>(pos_)};
  size_t start = pos_;
  bool variable = false;
  bool escaped = false;
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '\\') {
      escaped = true;
      pos_ += 2;
      variable = false;
      continue;
    }
    if (c == '{' && variable) {
      ++pos_;
      continue;
    }
    variable = c == '$';
    if (IsSpace(c) || c == ';' || c == '{') break;
    ++pos_;
  }
  if (pos_ > text_.size()) pos_ = text_.size();
  std::string_view raw = text_.substr(start, pos_ - start);
  token.text = escaped ? Unescape(raw) : std::string(raw);
  return token;
}

Token Lexer::Next() {
  SkipSpaceAndComments();
  if (pos_ >= text_.size()) return {TokenKind::kEnd, {}, line_, static_cast<uint32_t>(pos_)};
  Token token{TokenKind::kWord, {}, line_, static_cast<uint32_t>(pos_)};
  switch (text_[pos_]) {
    case ';':
      ++pos_;
      token.kind = TokenKind::kSemicolon;
      return token;
    case '{':
      ++pos_;
      token.kind = TokenKind::kBlockStart;
      return token;
    case '}':
      ++pos_;
      token.kind = TokenKind::kBlockEnd;
      return token;
    case '"':
    case '\'':
      return ReadQuoted(text_[pos_]);
    default:
      return ReadBare();
  }
}

Token Lexer::SkipLuaBlock() {
  int depth = 1;
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '\n') ++line_;
    if (c == '"' || c == '\'') {
      for (++pos_; pos_ < text_.size() && text_[pos_] != c; ++pos_) {
        if (text_[pos_] == '\\') ++pos_;
      }
    } else if (text_.substr(pos_, 2) == "--" || text_.substr(pos_, 2) == "[[") {
      bool comment = c == '-';
      if (comment && text_.substr(pos_ + 2, 2) != "[[") {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
        continue;
      }
      size_t end = text_.find("]]", pos_);
      if (end == std::string_view::npos) break;
      for (; pos_ < end; ++pos_) line_ += text_[pos_] == '\n';
      ++pos_;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return {TokenKind::kBlockEnd, {}, line_, static_cast<uint32_t>(pos_++)};
    }
    ++pos_;
  }
  return {TokenKind::kError, "unexpected end of file in a Lua block", line_,
          static_cast<uint32_t>(pos_)};
}

}  // namespace dcv::nginx
