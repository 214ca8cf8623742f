// The message catalogue of the text report: per finding code an explanation and a remedy,
// and the headings, labels and verdict phrases, in English, Simplified Chinese (zh-CN)
// and Traditional Chinese (zh-TW). English is the default and the fallback. Only the text
// report uses it; the JSON report and the finding codes never change with the language.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/core/finding.h"

namespace dcv {

enum class Lang { kEn, kZhCn, kZhTw };

/// Every fixed phrase of the text report. Templates name their blanks in braces
/// ({domains}, {n}, ...), filled by FillMessage.
enum class MessageId {
  kThisHost,        // heading of host-wide findings
  kEvidence,        // label
  kSource,          // label: the file:line (or rule) that decides
  kRemedy,          // label
  kDetail,          // label: the finding's own (English) remedy under a translated one
  kUrl,             // label
  kFixed,           // " (fixed)" after a code
  kSeverityError,
  kSeverityWarning,
  kSeverityInfo,
  kPlan,
  kPlanDryRun,
  kApplied,
  kChecks,
  kErrorLine,               // "error: {text}"
  kVerdictReady,            // {domains} {ca} {method}
  kVerdictNotReady,         // {counts}
  kVerdictCleanupDone,      // {domains}
  kVerdictCleanupPlanned,   // {domains}
  kVerdictCodes,            // " ({codes})"
  kVerdictRun,              // " (run {id})"
  kVerdictProblems,         // {n}: refusals and failures listed above
  kVerdictPlanPending,      // {n}: steps of a dry run
  kVerdictNote,             // "; {text}": warnings, problems, a pending plan
  kCountSeparator,          // between "2 errors" and "1 warning"
  kErrorsOne,
  kErrorsMany,              // {n}
  kWarningsOne,
  kWarningsMany,            // {n}
  kProgressChecking,        // {n}: URLs fetched at once. Keep it last: AllMessageIds counts up to it.
};

/// Every MessageId, for tests and tables.
const std::vector<MessageId>& AllMessageIds();

/// "en", "zh-CN", "zh-TW" (also zh_CN, zh-cn, zh_TW ...); nullopt for anything else.
std::optional<Lang> ParseLang(std::string_view text);
std::string_view LangName(Lang lang);
/// The language a POSIX locale asks for (LC_ALL, then LC_MESSAGES, then LANG, as
/// `getenv` reports them): zh_CN* / zh_SG* -> zh-CN, zh_TW* / zh_HK* -> zh-TW, else nullopt.
std::optional<Lang> LangFromLocale(const std::function<const char*(const char*)>& getenv);

/// The phrase in `lang`, falling back to English when the language lacks it.
std::string_view Message(Lang lang, MessageId id);

struct CodeText {
  std::string_view summary;  // what is wrong, one line
  std::string_view remedy;   // what fixes it, in general (the finding may say more)
};
/// The explanation of `code` in `lang` (English falls back to the finding-code table).
CodeText CodeMessage(Lang lang, FindingCode code);

/// The phrase with each {name} replaced by its value.
std::string FillMessage(std::string_view text, const std::vector<std::pair<std::string_view, std::string>>& values);

// The per-language tables (messages_en.cc, messages_zh_cn.cc, messages_zh_tw.cc). A
// language may lack an entry; the unit test makes sure none does.
struct MessageTable {
  std::vector<std::pair<MessageId, std::string_view>> phrases;
  struct Code {
    FindingCode code;
    std::string_view summary;  // empty in English: the finding-code table has it
    std::string_view remedy;
  };
  std::vector<Code> codes;
};
const MessageTable& EnglishMessages();
const MessageTable& SimplifiedChineseMessages();
const MessageTable& TraditionalChineseMessages();

}  // namespace dcv
