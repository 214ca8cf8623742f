// dcv-catalogue: prints the finding-code catalogue as a markdown table, from the one table
// in the code (AllFindingCodes()). The README carries this output between BEGIN/END
// markers; tests/packaging/catalogue_test.sh fails when the two differ, so the catalogue
// cannot drift from the codes the agent emits. Not a subcommand of the agent on purpose:
// it is a build tool for the documentation.
#include <iostream>
#include <string>
#include <string_view>

#include "agent/core/finding.h"

namespace {

// A summary goes into a table cell: a '|' would split it.
std::string CellText(std::string_view text) {
  std::string cell;
  for (char c : text) {
    if (c == '|') cell += "\\|";
    else cell += c;
  }
  return cell;
}

}  // namespace

int main() {
  std::cout << "| code | meaning |\n|---|---|\n";
  for (const dcv::FindingCodeInfo& info : dcv::AllFindingCodes()) {
    std::cout << "| `" << info.name << "` | " << CellText(info.summary) << " |\n";
  }
  return 0;
}
