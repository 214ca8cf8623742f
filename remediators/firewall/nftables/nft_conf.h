// Persisting openings in an nft script such as /etc/nftables.conf (what Debian's
// nftables.service loads with `nft -f`). The file is edited as text, keeping every byte
// we do not add: the accept rule goes into the chain's block before the line of the
// stopping rule, or before the closing brace for a policy, or — when the chain has no
// block in the file — as an `insert rule`/`add rule` command at the end.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "remediators/firewall/nftables/nft_opening.h"

namespace dcv {

/// One statement in a chain block (`tcp dport 80 drop`, `type filter hook ...`).
struct NftConfStatement {
  size_t begin = 0;  // offset of its first character
  size_t end = 0;    // one past its last character (comments and ';' excluded)
  std::string text;
  bool is_rule = false;  // not a `type`/`policy`/`comment`/`devices` line
};

/// `chain <name> { ... }` inside `table <family> <table> { ... }`.
struct NftConfChain {
  std::string family;
  std::string table;
  std::string name;
  size_t close = 0;  // offset of the closing '}'
  std::vector<NftConfStatement> statements;
};

/// The parts of an nft script that persistence needs.
struct NftConfScript {
  std::vector<std::pair<std::string, std::string>> tables;  // (family, name), blocks or `add table`
  std::vector<NftConfChain> chains;                         // in file order
  std::vector<std::string> includes;                        // `include "..."` arguments
};

/// Scans nft script syntax: blocks, statements, strings, comments, `{ set }` braces and
/// line continuations. Never fails; text it does not understand is simply not indexed.
NftConfScript ScanNftConf(std::string_view text);

/// What to persist for one opening.
struct NftPersistRequest {
  NftOpening opening;
  std::string stop_rule_text;  // nft's text of the stopping rule ("" for a policy/unknown)
  size_t runtime_rule_count = 0;  // rules in the chain at runtime (before our insertion)
};

struct NftPersistResult {
  std::string content;             // the edited text (== input when nothing is persisted)
  std::vector<std::string> where;  // per request: how it was persisted, or why it was not
  std::vector<bool> persisted;     // per request
};

/// Adds each opening's rule to `text` (an nft script at `path`, used in messages).
NftPersistResult PersistOpenings(std::string_view path, std::string_view text,
                                 const std::vector<NftPersistRequest>& requests,
                                 const std::string& run_id);

/// Canonical form of a rule's text for comparing a file line with nft's listing: no
/// `# handle N`, counters without values, single spaces, no spaces inside braces.
std::string NormalizeRuleText(std::string_view text);

}  // namespace dcv
