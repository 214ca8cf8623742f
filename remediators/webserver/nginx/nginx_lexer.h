// The nginx tokenizer (a port of ngx_conf_read_token's rules): words separated by
// whitespace, `;` ends a directive, `{` opens a block (except in `${`), `}` closes one,
// `#` starts a comment only at the start of a word, quotes only at the start of a word,
// backslash escapes resolved as nginx resolves them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dcv::nginx {

enum class TokenKind { kWord, kSemicolon, kBlockStart, kBlockEnd, kEnd, kError };

/// One token; for kError, `text` is the message (without file:line).
struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;     // the word, unquoted and unescaped
  uint32_t line = 0;    // line where the token starts
  uint32_t offset = 0;  // byte offset where the token starts
};

/// Splits a file's text into tokens. Cheap to construct; never copies the text.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  /// The next token; kEnd at end of input, kError on an unterminated quote or a
  /// character that may not follow a closing quote.
  Token Next();

  /// Skips the body of a `*_by_lua_block { ... }` (Lua, not nginx syntax: strings,
  /// comments and long brackets may hold braces) after its `{` was read. Returns the
  /// offset of the closing `}` (consumed), or kError at end of input.
  Token SkipLuaBlock();

  /// The current line (1-based), for errors at end of input.
  uint32_t line() const { return line_; }

 private:
  void SkipSpaceAndComments();
  Token ReadQuoted(char quote);
  Token ReadBare();
  static std::string Unescape(std::string_view raw);

  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
};

}  // namespace dcv::nginx
