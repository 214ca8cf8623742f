// A scanner for nft script files (nft(8) "input file formats"): enough structure to find
// `table`/`chain` blocks and the byte range of every statement inside a chain, so that a
// rule can be inserted before a given statement without reformatting anything else.
// Statements end at a newline or ';' outside braces and strings; '{' opens a block only
// after `table ...` (top level) or `chain/set/map/...` (inside a table), and is part of
// an expression (`tcp dport { 80, 443 }`, `elements = { ... }`) everywhere else.
#include <cctype>

#include "remediators/firewall/nftables/nft_conf.h"

namespace dcv {
namespace {

constexpr size_t kNone = std::string_view::npos;

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) {
      std::string w(s.substr(i, j - i));
      if (w.size() >= 2 && w.front() == '"' && w.back() == '"') w = w.substr(1, w.size() - 2);
      words.push_back(std::move(w));
    }
    i = j;
  }
  return words;
}

// (family, name) from `table [family] name` words starting at `at`.
std::pair<std::string, std::string> TableName(const std::vector<std::string>& w, size_t at) {
  if (w.size() == at + 2) return {"ip", w[at + 1]};  // nft's default family
  if (w.size() >= at + 3) return {w[at + 1], w[at + 2]};
  return {};
}

bool IsRule(std::string_view statement) {
  const auto w = Words(statement);
  if (w.empty()) return false;
  static const char* const kChainSettings[] = {"type", "policy", "comment", "devices",
                                               "device", "hook", "priority"};
  for (const char* s : kChainSettings) {
    if (w[0] == s) return false;
  }
  return true;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  NftConfScript Run() {
    for (size_t i = 0; i < text_.size(); ++i) {
      const char c = text_[i];
      if (c == '#') {  // comment: skip to the newline, which still ends the statement
        i = text_.find('\n', i);
        if (i == kNone) break;
        --i;
      } else if (c == '"') {
        Mark(i);
        i = std::min(text_.find('"', i + 1), text_.size() - 1);
        last_ = i + 1;
      } else if (c == '\\' && i + 1 < text_.size() && text_[i + 1] == '\n') {
        ++i;  // line continuation
      } else if (expr_depth_ > 0) {
        expr_depth_ += c == '{' ? 1 : c == '}' ? -1 : 0;
        if (!std::isspace(static_cast<unsigned char>(c))) Mark(i);
      } else if (c == '\n' || c == ';') {
        EndStatement();
      } else if (c == '{') {
        OpenBrace(i);
      } else if (c == '}') {
        EndStatement();
        CloseBlock(i);
      } else if (!std::isspace(static_cast<unsigned char>(c))) {
        Mark(i);
      }
    }
    EndStatement();
    return std::move(out_);
  }

 private:
  enum class Kind { kTop, kTable, kChain, kOther };
  struct Frame {
    Kind kind = Kind::kTop;
    std::string family, table;
    size_t chain = 0;  // index in out_.chains for kChain
  };

  void Mark(size_t i) {
    if (begin_ == kNone) begin_ = i;
    last_ = i + 1;
  }

  std::string_view Pending() const {
    return begin_ == kNone ? std::string_view() : text_.substr(begin_, last_ - begin_);
  }

  void OpenBrace(size_t i) {
    const Frame& top = stack_.back();
    const auto w = Words(Pending());
    const bool table_block = top.kind == Kind::kTop && !w.empty() && w[0] == "table";
    if (top.kind == Kind::kChain || top.kind == Kind::kOther ||
        (top.kind == Kind::kTop && !table_block)) {
      Mark(i);  // an expression brace: `{ 80, 443 }`
      expr_depth_ = 1;
      return;
    }
    Frame frame{top.kind == Kind::kTop ? Kind::kTable : Kind::kOther, top.family, top.table, 0};
    if (table_block) {
      std::tie(frame.family, frame.table) = TableName(w, 0);
      out_.tables.emplace_back(frame.family, frame.table);
    } else if (!w.empty() && w[0] == "chain" && w.size() >= 2) {
      frame.kind = Kind::kChain;
      frame.chain = out_.chains.size();
      out_.chains.push_back({top.family, top.table, w[1], 0, {}});
    }
    stack_.push_back(std::move(frame));
    begin_ = kNone;
  }

  void CloseBlock(size_t i) {
    if (stack_.size() == 1) return;  // a stray brace: nft would reject the file anyway
    if (stack_.back().kind == Kind::kChain) out_.chains[stack_.back().chain].close = i;
    stack_.pop_back();
  }

  void EndStatement() {
    if (begin_ == kNone) return;
    const std::string_view text = Pending();
    const Frame& top = stack_.back();
    if (top.kind == Kind::kChain) {
      out_.chains[top.chain].statements.push_back(
          {begin_, last_, std::string(text), IsRule(text)});
    } else if (top.kind == Kind::kTop) {
      const auto w = Words(text);
      if (w.size() >= 2 && w[0] == "include") out_.includes.push_back(w[1]);
      if (w.size() >= 3 && (w[0] == "add" || w[0] == "create") && w[1] == "table") {
        out_.tables.push_back(TableName(w, 1));
      }
    }
    begin_ = kNone;
  }

  std::string_view text_;
  NftConfScript out_;
  std::vector<Frame> stack_{Frame{}};
  int expr_depth_ = 0;
  size_t begin_ = kNone;
  size_t last_ = 0;
};

}  // namespace

NftConfScript ScanNftConf(std::string_view text) { return Scanner(text).Run(); }

}  // namespace dcv
