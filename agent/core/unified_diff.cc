// Unified diff of two texts by lines, using Myers' greedy shortest-edit-script search.
// Each round d keeps only the reachable diagonals (-d..d), so memory is O(D^2) for D
// differing lines; beyond kMaxEdits the texts are shown as wholly replaced. Lines keep
// their '\n', so a missing newline at the end of a file is a difference like any other.
#include "agent/core/unified_diff.h"

#include <algorithm>
#include <vector>

namespace dcv {
namespace {

constexpr int kMaxEdits = 4000;

enum class Op { kEqual, kDelete, kInsert };

struct Edit {
  Op op;
  int a;  // line index in before (kEqual, kDelete)
  int b;  // line index in after (kEqual, kInsert)
};

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

std::vector<Edit> Replace(int n, int m) {
  std::vector<Edit> edits;
  for (int i = 0; i < n; ++i) edits.push_back({Op::kDelete, i, 0});
  for (int j = 0; j < m; ++j) edits.push_back({Op::kInsert, 0, j});
  return edits;
}

std::vector<Edit> Myers(const std::vector<std::string_view>& a,
                        const std::vector<std::string_view>& b) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  const int max = std::min(n + m, kMaxEdits);
  std::vector<int> v(2 * max + 3, 0);
  const int off = max + 1;
  std::vector<std::vector<int>> trace;  // trace[d][k + d] = v[k] before round d
  for (int d = 0; d <= max; ++d) {
    trace.emplace_back(v.begin() + off - d, v.begin() + off + d + 1);
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1]
                                                                       : v[off + k - 1] + 1;
      int y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      v[off + k] = x;
      if (x < n || y < m) continue;
      std::vector<Edit> edits;  // backtrack from (n, m) through the trace
      for (int dd = d; dd >= 0; --dd) {
        const auto& t = trace[dd];
        auto at = [&](int kk) { return t[kk + dd]; };
        const int kk = x - y;
        const int prev_k = (kk == -dd || (kk != dd && at(kk - 1) < at(kk + 1))) ? kk + 1 : kk - 1;
        const int prev_x = dd == 0 ? 0 : at(prev_k), prev_y = dd == 0 ? 0 : prev_x - prev_k;
        while (x > prev_x && y > prev_y) edits.push_back({Op::kEqual, --x, --y});
        if (dd > 0) {
          if (x == prev_x) edits.push_back({Op::kInsert, x, --y});
          else edits.push_back({Op::kDelete, --x, y});
        }
      }
      std::reverse(edits.begin(), edits.end());
      return edits;
    }
  }
  return Replace(n, m);
}

void AppendLine(std::string& out, char mark, std::string_view line) {
  out += mark;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

std::string Range(int start, int len) {
  // GNU diff: an empty range names the line before it.
  return std::to_string(len == 0 ? start : start + 1) + (len == 1 ? "" : "," + std::to_string(len));
}

}  // namespace

std::string UnifiedDiff(std::string_view path, std::string_view before, std::string_view after,
                        int context) {
  if (before == after) return "";
  const auto a = SplitLines(before), b = SplitLines(after);
  const std::vector<Edit> edits = Myers(a, b);
  std::string out = "--- " + std::string(path) + "\n+++ " + std::string(path) + "\n";
  const int count = static_cast<int>(edits.size());
  int i = 0;
  while (i < count) {
    if (edits[i].op == Op::kEqual) { ++i; continue; }
    // A hunk: from `context` lines before this change to `context` after the last change
    // that is at most 2*context equal lines away from the previous one.
    int first = std::max(0, i - context), last = i;
    for (int j = i; j < count; ++j) {
      if (edits[j].op != Op::kEqual) last = j;
      else if (j - last > 2 * context) break;
    }
    const int end = std::min(count, last + 1 + context);
    int a_start = -1, b_start = -1, a_len = 0, b_len = 0;
    std::string body;
    for (int j = first; j < end; ++j) {
      const Edit& e = edits[j];
      if (e.op != Op::kInsert && a_start < 0) a_start = e.a;
      if (e.op != Op::kDelete && b_start < 0) b_start = e.b;
      if (e.op != Op::kInsert) ++a_len;
      if (e.op != Op::kDelete) ++b_len;
      AppendLine(body, e.op == Op::kEqual ? ' ' : e.op == Op::kDelete ? '-' : '+',
                 e.op == Op::kInsert ? b[e.b] : a[e.a]);
    }
    if (a_start < 0) a_start = edits[first].a;  // pure insertion: where it goes
    if (b_start < 0) b_start = edits[first].b;
    out += "@@ -" + Range(a_start, a_len) + " +" + Range(b_start, b_len) + " @@\n" + body;
    i = end;
  }
  return out;
}

}  // namespace dcv
