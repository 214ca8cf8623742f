// Edits iptables-save text line by line. After each insertion the text is parsed again
// and the runtime copy gets the same rule, so a second opening in the same chain is placed
// against the file as it will be, exactly as the commands run against the kernel.
#include "remediators/firewall/iptables/ipt_persist.h"

namespace dcv {
namespace {

// Inserts `line` before 1-based line `before` (one past the last line: at the end).
std::string InsertLine(std::string_view text, size_t before, const std::string& line) {
  size_t pos = 0;
  for (size_t n = 1; n < before && pos < text.size(); ++n) {
    const size_t nl = text.find('\n', pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  std::string out(text.substr(0, pos));
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out + line + "\n" + std::string(text.substr(pos));
}

std::vector<std::string> RuleTexts(const IptChain& chain) {
  std::vector<std::string> out;
  for (const auto& r : chain.rules) out.push_back(r.text);
  return out;
}

// The line before which the opening goes in `file`, or 0 with `why` set.
size_t PlaceInFile(const IptTable& file, const IptChain* runtime, const IptOpening& o,
                   std::string& why) {
  const IptChain* chain = file.FindChain(o.chain);
  if (!chain) {
    why = "its *filter section has no chain " + o.chain;
    return 0;
  }
  auto after_chain = [&] {
    if (!chain->rules.empty()) return chain->rules.back().line + 1;
    size_t last_decl = chain->line;
    for (const auto& c : file.chains) {
      if (c.builtin() || c.rules.empty() || c.line < c.rules.front().line) {
        last_decl = std::max(last_decl, c.line);
      }
    }
    return last_decl + 1;
  };
  if (runtime && RuleTexts(*chain) == RuleTexts(*runtime)) {
    const size_t index = o.position - 1;
    return index < chain->rules.size() ? chain->rules[index].line : after_chain();
  }
  if (o.stop.is_policy()) return after_chain();
  size_t found = 0, count = 0;
  for (const auto& r : chain->rules) {
    if (r.text == o.stop.rule_text) {
      found = r.line;
      ++count;
    }
  }
  if (count == 1) return found;
  why = "it differs from the running rules and does not hold the stopping rule exactly once";
  return 0;
}

}  // namespace

IptPersistResult PersistIptOpenings(std::string_view path, std::string_view text,
                                    const IptRuleset& runtime,
                                    const std::vector<IptOpening>& openings,
                                    const std::string& run_id) {
  IptPersistResult result{std::string(text), {}};
  IptRuleset live = runtime;
  for (const auto& o : openings) {
    const std::string line = IptOpeningLine(o, run_id);
    auto parsed = ParseIptablesSave(result.content);
    const IptTable* file = parsed ? parsed->FindTable("filter") : nullptr;
    std::string why = !parsed ? "it is not iptables-save syntax (" + parsed.error().message + ")"
                              : "it has no *filter section";
    size_t before = 0;
    if (file) {
      const IptTable* live_filter = live.FindTable("filter");
      before = PlaceInFile(*file, live_filter ? live_filter->FindChain(o.chain) : nullptr, o, why);
    }
    if (before == 0) {
      result.where.push_back("runtime only: not added to " + std::string(path) + " (" + why + ")");
    } else {
      result.content = InsertLine(result.content, before, line);
      result.where.push_back("kept in " + std::string(path));
    }
    SimulateIptOpening(live, o, run_id);
  }
  return result;
}

}  // namespace dcv
