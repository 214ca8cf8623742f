// Where each opening goes in an nft script, and the edit itself. The rule is placed so
// that `nft flush ruleset; nft -f <file>` rebuilds the same opening we made at runtime:
// before the statement that matches nft's own text of the stopping rule, else before the
// statement at the same index when the file's chain has exactly the runtime's rules,
// else at the top of the chain; for a policy, at the end of the chain's block. Chains
// without a block get an `insert rule`/`add rule` command appended to the file. All
// insertions are computed on the original text and applied from the end backwards.
#include "remediators/firewall/nftables/nft_conf.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace dcv {
namespace {

struct Insertion {
  size_t offset;
  std::string text;
  size_t order;  // request index, to keep insertions at one offset in request order
};

bool BlankBetween(std::string_view text, size_t from, size_t to) {
  return std::all_of(text.begin() + from, text.begin() + to,
                     [](char c) { return c == ' ' || c == '\t'; });
}

size_t LineStart(std::string_view text, size_t at) {
  const size_t nl = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
  return nl == std::string_view::npos ? 0 : nl + 1;
}

// Inserts `rule` as a statement of its own right before statement `st`.
Insertion BeforeStatement(std::string_view text, const NftConfStatement& st,
                          const std::string& rule) {
  const size_t line = LineStart(text, st.begin);
  if (BlankBetween(text, line, st.begin)) {
    return {line, std::string(text.substr(line, st.begin - line)) + rule + "\n", 0};
  }
  return {st.begin, rule + "; ", 0};  // `{ type ...; policy drop; tcp dport 22 accept }`
}

// Appends `rule` as the last statement of `chain`'s block.
Insertion AtEndOfChain(std::string_view text, const NftConfChain& chain, const std::string& rule) {
  const size_t line = LineStart(text, chain.close);
  if (BlankBetween(text, line, chain.close)) {
    std::string indent = std::string(text.substr(line, chain.close - line)) + "\t";
    if (!chain.statements.empty()) {
      const auto& last = chain.statements.back();
      const size_t last_line = LineStart(text, last.begin);
      if (BlankBetween(text, last_line, last.begin)) {
        indent = std::string(text.substr(last_line, last.begin - last_line));
      }
    }
    return {line, indent + rule + "\n", 0};
  }
  size_t p = chain.close;  // a one-line chain: after its last statement
  while (p > 0 && std::isspace(static_cast<unsigned char>(text[p - 1]))) --p;
  const char prev = p > 0 ? text[p - 1] : '{';
  const bool separated = prev == ';' || prev == '{';
  return {p, std::string(separated ? " " : "; ") + rule + (prev == ';' ? ";" : ""), 0};
}

bool DefinesTable(const NftConfScript& script, const NftOpening& o) {
  return std::any_of(script.tables.begin(), script.tables.end(), [&](const auto& t) {
    return t.first == o.family && t.second == o.table;
  });
}

// Places one request in the scanned script; returns false (with `where`) when it cannot.
bool Place(std::string_view path, std::string_view text, const NftConfScript& script,
           const NftPersistRequest& req, const std::string& rule, Insertion& ins,
           std::string& where) {
  const NftOpening& o = req.opening;
  const std::string label = o.family + " " + o.table + " " + o.chain;
  if (!DefinesTable(script, o)) {
    where = "runtime only: " + std::string(path) + " does not define table " + o.family + " " +
            o.table;
    if (!script.includes.empty()) where += " (its includes were not examined)";
    return false;
  }
  std::vector<const NftConfChain*> blocks;
  for (const auto& c : script.chains) {
    if (c.family == o.family && c.table == o.table && c.name == o.chain) blocks.push_back(&c);
  }
  if (blocks.empty()) {
    std::string cmd = std::string(o.before_handle ? "insert" : "add") + " rule " + label + " " + rule;
    ins = {text.size(), "# dcv-agent: opens tcp ports for domain validation\n" + cmd + "\n", 0};
    where = "appended `" + std::string(o.before_handle ? "insert" : "add") + " rule " + label +
            " ...` to " + std::string(path) + " (the chain has no block there)";
    return true;
  }
  if (!o.before_handle) {
    ins = AtEndOfChain(text, *blocks.back(), rule);
    where = "in " + std::string(path) + ", at the end of chain " + label + " (before its policy)";
    return true;
  }
  std::vector<const NftConfStatement*> rules, matches;
  const std::string wanted = NormalizeRuleText(req.stop_rule_text);
  for (const auto* block : blocks) {
    for (const auto& st : block->statements) {
      if (!st.is_rule) continue;
      rules.push_back(&st);
      if (!wanted.empty() && NormalizeRuleText(st.text) == wanted) matches.push_back(&st);
    }
  }
  if (matches.size() == 1) {
    ins = BeforeStatement(text, *matches[0], rule);
    where = "in " + std::string(path) + ", before `" + matches[0]->text + "` in chain " + label;
  } else if (blocks.size() == 1 && rules.size() == req.runtime_rule_count &&
             o.rule_index < rules.size()) {
    ins = BeforeStatement(text, *rules[o.rule_index], rule);
    where = "in " + std::string(path) + ", before rule " + std::to_string(o.rule_index + 1) +
            " of chain " + label + " (same position as at runtime)";
  } else if (!rules.empty()) {
    ins = BeforeStatement(text, *rules.front(), rule);
    where = "in " + std::string(path) + ", at the top of chain " + label +
            " (the stopping rule could not be matched in the file)";
  } else {
    ins = AtEndOfChain(text, *blocks.back(), rule);
    where = "in " + std::string(path) + ", in chain " + label +
            " (the file's chain has no rules; the runtime one does)";
  }
  return true;
}

}  // namespace

std::string NormalizeRuleText(std::string_view text) {
  std::string s(text);
  static const std::regex kHandle(R"(\s*# handle \d+\s*$)");
  static const std::regex kCounter(R"(counter packets \d+ bytes \d+)");
  static const std::regex kSpaces(R"(\s+)");
  static const std::regex kOpen(R"(\{\s*)"), kClose(R"(\s*\})"), kComma(R"(\s*,\s*)");
  s = std::regex_replace(s, kHandle, "");
  s = std::regex_replace(s, kCounter, "counter");
  s = std::regex_replace(s, kSpaces, " ");
  s = std::regex_replace(s, kOpen, "{");
  s = std::regex_replace(s, kClose, "}");
  s = std::regex_replace(s, kComma, ",");
  while (!s.empty() && (s.back() == ' ' || s.back() == ';')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  return s;
}

NftPersistResult PersistOpenings(std::string_view path, std::string_view text,
                                 const std::vector<NftPersistRequest>& requests,
                                 const std::string& run_id) {
  const NftConfScript script = ScanNftConf(text);
  NftPersistResult result;
  std::vector<Insertion> insertions;
  for (size_t i = 0; i < requests.size(); ++i) {
    const std::string rule = OpeningRuleText(requests[i].opening, run_id);
    Insertion ins{0, "", i};
    std::string where;
    const bool ok = Place(path, text, script, requests[i], rule, ins, where);
    ins.order = i;
    if (ok) insertions.push_back(std::move(ins));
    result.where.push_back(std::move(where));
    result.persisted.push_back(ok);
  }
  result.content = std::string(text);
  for (auto& ins : insertions) {  // commands appended to a file without a final newline
    if (ins.offset == text.size() && !text.empty() && text.back() != '\n') {
      if (result.content.size() == text.size()) result.content += '\n';
      ins.offset = result.content.size();
    }
  }
  // From the end backwards, so earlier offsets stay valid; ties keep request order.
  std::stable_sort(insertions.begin(), insertions.end(), [](const auto& a, const auto& b) {
    return a.offset != b.offset ? a.offset > b.offset : a.order > b.order;
  });
  for (const auto& ins : insertions) result.content.insert(ins.offset, ins.text);
  return result;
}

}  // namespace dcv
