// The message catalogue is complete: every finding code of the code table and every
// message id has a non-empty text in each language's own table (no silent fallback to
// English), Traditional Chinese is not the Simplified table, and the locale selects a
// language the way LC_ALL / LC_MESSAGES / LANG do.
#include "agent/messages.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace dcv {
namespace {

struct Language {
  Lang lang;
  const MessageTable& table;
};

std::vector<Language> Languages() {
  return {{Lang::kEn, EnglishMessages()}, {Lang::kZhCn, SimplifiedChineseMessages()},
          {Lang::kZhTw, TraditionalChineseMessages()}};
}

std::string_view OwnPhrase(const MessageTable& table, MessageId id) {
  for (const auto& [key, text] : table.phrases) {
    if (key == id) return text;
  }
  return {};
}

const MessageTable::Code* OwnCode(const MessageTable& table, FindingCode code) {
  for (const MessageTable::Code& entry : table.codes) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

TEST(MessagesTest, EveryFindingCodeIsExplainedInEveryLanguage) {
  for (const Language& language : Languages()) {
    for (const FindingCodeInfo& info : AllFindingCodes()) {
      const MessageTable::Code* entry = OwnCode(language.table, info.code);
      ASSERT_NE(entry, nullptr) << LangName(language.lang) << " lacks " << info.name;
      EXPECT_FALSE(entry->remedy.empty()) << LangName(language.lang) << " " << info.name;
      if (language.lang != Lang::kEn) {
        EXPECT_FALSE(entry->summary.empty()) << LangName(language.lang) << " " << info.name;
      }
      EXPECT_FALSE(CodeMessage(language.lang, info.code).summary.empty()) << info.name;
    }
    EXPECT_EQ(language.table.codes.size(), AllFindingCodes().size()) << LangName(language.lang) << ": no stray entries";
  }
}

TEST(MessagesTest, EveryMessageIdHasTextInEveryLanguage) {
  EXPECT_GE(AllMessageIds().size(), 25u);
  for (const Language& language : Languages()) {
    for (MessageId id : AllMessageIds()) {
      EXPECT_FALSE(OwnPhrase(language.table, id).empty())
          << LangName(language.lang) << " lacks message " << static_cast<int>(id);
    }
    EXPECT_EQ(language.table.phrases.size(), AllMessageIds().size()) << LangName(language.lang) << ": no duplicates";
  }
}

TEST(MessagesTest, TemplatesKeepTheirBlanksInEveryLanguage) {
  for (MessageId id : AllMessageIds()) {
    const std::string_view english = OwnPhrase(EnglishMessages(), id);
    for (const std::string_view blank : {"{domains}", "{ca}", "{method}", "{counts}", "{codes}", "{id}", "{text}", "{n}"}) {
      const bool in_english = english.find(blank) != std::string_view::npos;
      for (const Language& language : Languages()) {
        EXPECT_EQ(OwnPhrase(language.table, id).find(blank) != std::string_view::npos, in_english)
            << LangName(language.lang) << " message " << static_cast<int>(id) << " " << blank;
      }
    }
  }
}

TEST(MessagesTest, TraditionalChineseIsNotTheSimplifiedText) {
  int same = 0;
  for (const FindingCodeInfo& info : AllFindingCodes()) {
    same += OwnCode(SimplifiedChineseMessages(), info.code)->summary ==
            OwnCode(TraditionalChineseMessages(), info.code)->summary;
  }
  EXPECT_LE(same, 3) << "codes whose zh-TW explanation equals zh-CN";
  // characters that exist only in the Simplified script must not appear in zh-TW
  for (const MessageTable::Code& entry : TraditionalChineseMessages().codes) {
    for (const std::string_view simplified : {"务", "络", "证", "检", "这", "录", "库", "发", "应", "问"}) {
      EXPECT_EQ(std::string(entry.summary).find(simplified), std::string::npos) << entry.summary;
      EXPECT_EQ(std::string(entry.remedy).find(simplified), std::string::npos) << entry.remedy;
    }
  }
  EXPECT_EQ(Message(Lang::kZhTw, MessageId::kThisHost), "本機");
  EXPECT_EQ(Message(Lang::kZhCn, MessageId::kThisHost), "本机");
}

TEST(MessagesTest, ParsesLanguageNames) {
  EXPECT_EQ(ParseLang("en"), Lang::kEn);
  EXPECT_EQ(ParseLang("zh-CN"), Lang::kZhCn);
  EXPECT_EQ(ParseLang("zh_tw"), Lang::kZhTw);
  EXPECT_FALSE(ParseLang("fr"));
  EXPECT_FALSE(ParseLang(""));
  EXPECT_EQ(LangName(Lang::kZhTw), "zh-TW");
}

TEST(MessagesTest, LocaleSelectsTheLanguageLikeSetlocale) {
  auto env = [](std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  };
  EXPECT_EQ(LangFromLocale(env({{"LANG", "zh_CN.UTF-8"}})), Lang::kZhCn);
  EXPECT_EQ(LangFromLocale(env({{"LANG", "zh_TW.UTF-8"}})), Lang::kZhTw);
  EXPECT_EQ(LangFromLocale(env({{"LANG", "zh_CN.UTF-8"}, {"LC_MESSAGES", "zh_TW.UTF-8"}})), Lang::kZhTw);
  EXPECT_EQ(LangFromLocale(env({{"LANG", "zh_TW.UTF-8"}, {"LC_ALL", "C"}})), std::nullopt) << "LC_ALL wins";
  EXPECT_EQ(LangFromLocale(env({{"LANG", "zh_TW.UTF-8"}, {"LC_ALL", ""}})), Lang::kZhTw) << "empty is unset";
  EXPECT_EQ(LangFromLocale(env({{"LANG", "de_DE.UTF-8"}})), std::nullopt);
  EXPECT_EQ(LangFromLocale(env({})), std::nullopt);
}

TEST(MessagesTest, FillsNamedBlanks) {
  EXPECT_EQ(FillMessage("{n} of {m} {x}", {{"n", "1"}, {"m", "2"}}), "1 of 2 {x}");
  EXPECT_EQ(FillMessage("no blanks", {{"n", "1"}}), "no blanks");
  EXPECT_EQ(FillMessage("{", {}), "{");
}

}  // namespace
}  // namespace dcv
