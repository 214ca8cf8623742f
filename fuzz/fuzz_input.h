// Helpers shared by the libFuzzer targets in this directory: turning the fuzzer's bytes
// into text, and the one guard the configuration parsers need. nginx and Apache expand
// `include` from the disk (globs included), so a fuzzed `include /**` would make a target
// read the whole file system: every "include" in the input (any case) is renamed
// "inclxde" first, so the parsers see an ordinary unknown directive there and every
// target stays in memory (no file is written, no command run, no socket opened).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dcv::fuzz {

/// The input itself, for parsers that take a view: libFuzzer's buffer has exactly `size`
/// bytes, so AddressSanitizer reports a read one past the end (a std::string copy would
/// hide it behind its terminating NUL).
inline std::string_view AsView(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

/// The input as text (any bytes, NULs included).
inline std::string AsText(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

/// True when `text` holds "include" in any ASCII case.
inline bool MentionsInclude(std::string_view text) {
  static constexpr std::string_view kWord = "include";
  for (size_t i = 0; i + kWord.size() <= text.size(); ++i) {
    size_t k = 0;
    for (; k < kWord.size(); ++k) {
      char c = text[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
      if (c != kWord[k]) break;
    }
    if (k == kWord.size()) return true;
  }
  return false;
}

/// Renames every "include" (any ASCII case: Apache directive names ignore case) to
/// "inclxde", in place. The nginx lexer's escapes (\" \' \\ \t \r \n) cannot spell a
/// letter, and Apache substitutes ${VAR} in arguments only, never in a directive's name.
/// Apache's backslash continuations can still join "Incl\\" and "ude": its target checks
/// the logical lines again with MentionsInclude.
inline void DisarmIncludes(std::string& text) {
  static constexpr std::string_view kWord = "include";
  for (size_t i = 0; i + kWord.size() <= text.size(); ++i) {
    size_t k = 0;
    for (; k < kWord.size(); ++k) {
      char c = text[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
      if (c != kWord[k]) break;
    }
    if (k == kWord.size()) text[i + 4] = 'x';
  }
}

}  // namespace dcv::fuzz
