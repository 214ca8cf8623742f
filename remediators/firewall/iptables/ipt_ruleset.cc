// Parses iptables-save output: `*table`, `:CHAIN POLICY [packets:bytes]`, `-A CHAIN ...`,
// `COMMIT`, `# comments`. A rule's words are grouped into options (with the `!` before
// them and the `-m` module they belong to) up to its `-j`/`-g`, after which everything is
// the target's. Values are every following word that does not look like an option,
// except quoted words, which are always values (a comment may start with a dash).
#include "remediators/firewall/iptables/ipt_ruleset.h"

#include <algorithm>

namespace dcv {
namespace {

bool IsOptionWord(const std::string& word, bool quoted) {
  return !quoted && word.size() > 1 && word[0] == '-';
}

Result<IptRule> ParseRuleWords(std::string_view line, size_t line_no) {
  std::vector<bool> quoted;
  const std::vector<std::string> words = SplitSaveLine(line, &quoted);
  if (words.size() < 2) return MakeError("line " + std::to_string(line_no) + ": -A without a chain");
  IptRule rule;
  rule.text = std::string(line);
  rule.line = line_no;
  std::string module;
  bool negate = false;
  for (size_t i = 2; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "!" && !quoted[i]) {
      negate = true;
      continue;
    }
    if (!IsOptionWord(w, quoted[i])) {
      return MakeError("line " + std::to_string(line_no) + ": unexpected word `" + w + "`");
    }
    if ((w == "-j" || w == "--jump" || w == "-g" || w == "--goto") && i + 1 < words.size()) {
      rule.target = words[i + 1];
      rule.is_goto = w == "-g" || w == "--goto";
      rule.target_args.assign(words.begin() + static_cast<std::ptrdiff_t>(i + 2), words.end());
      break;
    }
    IptOption option{negate, module, w, {}};
    negate = false;
    while (i + 1 < words.size() && !IsOptionWord(words[i + 1], quoted[i + 1]) &&
           !(words[i + 1] == "!" && !quoted[i + 1])) {
      option.values.push_back(words[++i]);
    }
    if (w == "-m" || w == "--match") module = option.values.empty() ? "" : option.values[0];
    if (w == "--comment" && !option.values.empty()) rule.comment = option.values[0];
    rule.options.push_back(std::move(option));
  }
  return rule;
}

}  // namespace

Result<IptRule> ParseIptRule(std::string_view line, size_t line_no) {
  return ParseRuleWords(line, line_no);
}

const IptChain* IptTable::FindChain(std::string_view chain) const {
  for (const auto& c : chains) {
    if (c.name == chain) return &c;
  }
  return nullptr;
}

IptChain* IptTable::FindChain(std::string_view chain) {
  return const_cast<IptChain*>(std::as_const(*this).FindChain(chain));
}

const IptTable* IptRuleset::FindTable(std::string_view table) const {
  for (const auto& t : tables) {
    if (t.name == table) return &t;
  }
  return nullptr;
}

IptTable* IptRuleset::FindTable(std::string_view table) {
  return const_cast<IptTable*>(std::as_const(*this).FindTable(table));
}

std::vector<std::string> SplitSaveLine(std::string_view line, std::vector<bool>* quoted) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    std::string word;
    bool was_quoted = false;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
      if (line[i] != '"') {
        word += line[i++];
        continue;
      }
      was_quoted = true;
      for (++i; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) ++i;
        word += line[i];
      }
      ++i;  // the closing quote
    }
    words.push_back(std::move(word));
    if (quoted) quoted->push_back(was_quoted);
  }
  return words;
}

std::string QuoteSaveWord(const std::string& word) {
  if (!word.empty() && word.find_first_of(" \t\"\\'") == std::string::npos) return word;
  std::string out = "\"";
  for (char c : word) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

Result<IptRuleset> ParseIptablesSave(std::string_view text) {
  IptRuleset ruleset;
  IptTable* table = nullptr;
  size_t line_no = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string where = "line " + std::to_string(line_no) + ": ";
    if (line.empty()) continue;
    if (line[0] == '[' && line.find("] ") != std::string_view::npos) {
      line.remove_prefix(line.find("] ") + 2);  // counters from iptables-save -c
      if (line.empty()) return MakeError(where + "counters without a rule");
    }
    if (line[0] == '#') {
      if (line.find("is incompatible") != std::string_view::npos) {
        ruleset.incompatible.emplace_back(line);
      }
      continue;
    }
    if (line[0] == '*') {
      table = &ruleset.tables.emplace_back();
      table->name = std::string(line.substr(1));
      table->line = line_no;
    } else if (!table) {
      return MakeError(where + "outside a *table section");
    } else if (line == "COMMIT") {
      table->commit_line = line_no;
      table = nullptr;
    } else if (line[0] == ':') {
      const auto words = SplitSaveLine(line.substr(1));
      if (words.size() < 2) return MakeError(where + "chain without a policy");
      table->chains.push_back({words[0], words[1], line_no, {}});
    } else if (line.substr(0, 3) == "-A " || line.substr(0, 3) == "-I ") {
      auto rule = ParseRuleWords(line, line_no);
      if (!rule) return rule.error();
      const std::string chain = SplitSaveLine(line)[1];
      IptChain* c = table->FindChain(chain);
      if (!c) c = &table->chains.emplace_back(IptChain{chain, "-", line_no, {}});
      c->rules.push_back(std::move(*rule));
    } else {
      return MakeError(where + "not iptables-save syntax: " + std::string(line.substr(0, 60)));
    }
  }
  if (table) return MakeError("table " + table->name + " has no COMMIT");
  return ruleset;
}

}  // namespace dcv
