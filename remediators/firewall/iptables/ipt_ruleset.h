// The iptables ruleset as plain data, parsed from `iptables-save` / `ip6tables-save`
// output (the same text format for iptables-nft and iptables-legacy, and for the
// persistence files /etc/iptables/rules.v4 and /etc/sysconfig/iptables). Rules keep their
// printed line, so findings and persistence can quote them exactly.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/result.h"

namespace dcv {

/// One match option of a rule: `! --dport 80`, `--ctstate NEW,ESTABLISHED`, `-m tcp`.
struct IptOption {
  bool negated = false;
  std::string module;  // the last `-m` before it ("" for -p/-s/-i/...)
  std::string name;    // "-p", "--dport", "-m", ...
  std::vector<std::string> values;
};

struct IptRule {
  std::string text;        // the line as printed: "-A INPUT -p tcp -m tcp --dport 80 -j DROP"
  size_t line = 0;         // 1-based line number in the parsed text
  std::vector<IptOption> options;
  std::string target;      // "ACCEPT", "DROP", a chain name, ...; "" when there is none
  bool is_goto = false;    // -g instead of -j
  std::vector<std::string> target_args;  // "--reject-with", "tcp-reset", ...
  std::string comment;     // -m comment --comment
};

struct IptChain {
  std::string name;
  std::string policy;  // "ACCEPT" | "DROP" for built-in chains; "-" for user chains
  size_t line = 0;     // the `:NAME POLICY [p:b]` line
  std::vector<IptRule> rules;
  bool builtin() const { return policy != "-"; }
};

struct IptTable {
  std::string name;  // "filter", "nat", ...
  size_t line = 0;   // the `*name` line
  size_t commit_line = 0;
  std::vector<IptChain> chains;
  const IptChain* FindChain(std::string_view chain) const;
  IptChain* FindChain(std::string_view chain);
};

/// The output of one `*-save` command (one stack, one address family).
struct IptRuleset {
  std::vector<IptTable> tables;
  std::vector<std::string> incompatible;  // "# Table `x' is incompatible, use 'nft' tool."
  const IptTable* FindTable(std::string_view table) const;
  IptTable* FindTable(std::string_view table);
  bool empty() const { return tables.empty(); }
};

/// Splits a save line into words the way iptables-restore does: spaces separate,
/// "double quotes" group (with \" and \\ escapes). `quoted[i]` says word i was quoted.
std::vector<std::string> SplitSaveLine(std::string_view line, std::vector<bool>* quoted = nullptr);

/// Parses one rule line ("-A CHAIN ..."); `line_no` is recorded in the rule.
Result<IptRule> ParseIptRule(std::string_view line, size_t line_no = 0);

/// Parses iptables-save text (also `iptables-save -c` output: "[p:b] -A ..." loses its
/// counters). Comments are skipped; a line that is not save syntax is an Error.
Result<IptRuleset> ParseIptablesSave(std::string_view text);

/// Quotes a word the way iptables-save prints it (only when it holds spaces or quotes).
std::string QuoteSaveWord(const std::string& word);

}  // namespace dcv
