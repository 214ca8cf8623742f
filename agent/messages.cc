// Lookup in the message catalogue: which table a language uses, the fallback to English
// for anything a table lacks (a missing translation shows English, never an empty line),
// the choice of language from the POSIX locale, and filling the {blanks} of a phrase.
// The tables themselves are in messages_en.cc, messages_zh_cn.cc and messages_zh_tw.cc.
#include "agent/messages.h"

#include <algorithm>
#include <cctype>

namespace dcv {
namespace {

const MessageTable& TableFor(Lang lang) {
  switch (lang) {
    case Lang::kEn: return EnglishMessages();
    case Lang::kZhCn: return SimplifiedChineseMessages();
    case Lang::kZhTw: return TraditionalChineseMessages();
  }
  return EnglishMessages();
}

std::string_view FindPhrase(const MessageTable& table, MessageId id) {
  for (const auto& [key, text] : table.phrases) {
    if (key == id) return text;
  }
  return {};
}

const MessageTable::Code* FindCode(const MessageTable& table, FindingCode code) {
  for (const MessageTable::Code& entry : table.codes) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

}  // namespace

const std::vector<MessageId>& AllMessageIds() {
  static const std::vector<MessageId> kIds = [] {
    std::vector<MessageId> ids;
    for (int i = 0; i <= static_cast<int>(MessageId::kProgressChecking); ++i) ids.push_back(static_cast<MessageId>(i));
    return ids;
  }();
  return kIds;
}

std::optional<Lang> ParseLang(std::string_view text) {
  const std::string name = Lower(text);
  if (name == "en") return Lang::kEn;
  if (name == "zh-cn") return Lang::kZhCn;
  if (name == "zh-tw") return Lang::kZhTw;
  return std::nullopt;
}

std::string_view LangName(Lang lang) {
  switch (lang) {
    case Lang::kEn: return "en";
    case Lang::kZhCn: return "zh-CN";
    case Lang::kZhTw: return "zh-TW";
  }
  return "en";
}

std::optional<Lang> LangFromLocale(const std::function<const char*(const char*)>& getenv) {
  for (const char* variable : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = getenv(variable);
    if (value == nullptr || *value == '\0') continue;  // POSIX: an empty variable does not count
    const std::string locale = Lower(value);
    if (locale.rfind("zh-cn", 0) == 0 || locale.rfind("zh-sg", 0) == 0) return Lang::kZhCn;
    if (locale.rfind("zh-tw", 0) == 0 || locale.rfind("zh-hk", 0) == 0) return Lang::kZhTw;
    return std::nullopt;  // the first one set decides, like setlocale(LC_MESSAGES, "")
  }
  return std::nullopt;
}

std::string_view Message(Lang lang, MessageId id) {
  std::string_view text = FindPhrase(TableFor(lang), id);
  return text.empty() ? FindPhrase(EnglishMessages(), id) : text;
}

CodeText CodeMessage(Lang lang, FindingCode code) {
  CodeText text;
  if (const MessageTable::Code* entry = FindCode(TableFor(lang), code)) text = {entry->summary, entry->remedy};
  const MessageTable::Code* english = FindCode(EnglishMessages(), code);
  if (text.summary.empty()) {
    for (const FindingCodeInfo& info : AllFindingCodes()) {
      if (info.code == code) text.summary = info.summary;
    }
  }
  if (text.remedy.empty() && english != nullptr) text.remedy = english->remedy;
  return text;
}

std::string FillMessage(std::string_view text, const std::vector<std::pair<std::string_view, std::string>>& values) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t close = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
    if (close != std::string_view::npos) {
      const std::string_view name = text.substr(i + 1, close - i - 1);
      const auto value = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == name; });
      if (value != values.end()) {
        out += value->second;
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace dcv
