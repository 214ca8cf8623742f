// A small unified-diff generator. Lines common to the start and end of both texts are
// set aside first; Myers' greedy algorithm then finds a shortest edit script for the
// middle, keeping only the band of diagonals it visits (memory O(D^2) for D changed
// lines), and the script is cut into hunks with `context` lines around each change. A
// last line without a newline is marked "\ No newline at end of file", as diff does.
#include "remediators/webserver/nginx/unified_diff.h"

#include <vector>

namespace dcv::nginx {
namespace {

enum class Op { kEqual, kDelete, kInsert };

struct Edit {
  Op op;
  std::string_view line;  // including its newline, if any
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

/// Myers' algorithm over a[a0, a0+n) and b[b0, b0+m); appends the script to `out`.
void Myers(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b, int n,
           int m, int a0, int b0, std::vector<Edit>& out) {
  int max = n + m;
  std::vector<int> v(2 * max + 3, 0);
  int off = max + 1;
  std::vector<std::vector<int>> trace;  // trace[d] = v[-(d+1) .. d+1] at the start of step d
  for (int d = 0; d <= max; ++d) {
    trace.emplace_back(v.begin() + off - d - 1, v.begin() + off + d + 2);
    bool done = false;
    for (int k = -d; k <= d && !done; k += 2) {
      int x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1]
                                                                       : v[off + k - 1] + 1;
      int y = x - k;
      while (x < n && y < m && a[a0 + x] == b[b0 + y]) {
        ++x;
        ++y;
      }
      v[off + k] = x;
      done = x >= n && y >= m;
    }
    if (done) break;
  }
  std::vector<Edit> reversed;
  int x = n, y = m;
  for (int d = static_cast<int>(trace.size()) - 1; d >= 0; --d) {
    const std::vector<int>& w = trace[d];
    auto at = [&](int k) { return w[k + d + 1]; };
    int k = x - y;
    int prev_k = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
    int prev_x = at(prev_k), prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      --x;
      --y;
      reversed.push_back({Op::kEqual, a[a0 + x]});
    }
    if (d > 0) {
      if (x == prev_x)
        reversed.push_back({Op::kInsert, b[b0 + y - 1]});
      else
        reversed.push_back({Op::kDelete, a[a0 + x - 1]});
    }
    x = prev_x;
    y = prev_y;
  }
  out.insert(out.end(), reversed.rbegin(), reversed.rend());
}

void AppendLine(std::string& out, char sign, std::string_view line) {
  out += sign;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

std::string Range(int start, int count) {
  // diff prints the line before an empty range, and omits a count of 1.
  int first = count == 0 ? start : start + 1;
  return std::to_string(first) + (count == 1 ? "" : "," + std::to_string(count));
}

}  // namespace

std::string UnifiedDiff(const std::string& path, std::string_view before, std::string_view after,
                        int context) {
  if (before == after) return "";
  std::vector<std::string_view> a = SplitLines(before), b = SplitLines(after);
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  int prefix = 0;
  while (prefix < n && prefix < m && a[prefix] == b[prefix]) ++prefix;
  int suffix = 0;
  while (suffix < n - prefix && suffix < m - prefix && a[n - 1 - suffix] == b[m - 1 - suffix]) {
    ++suffix;
  }
  std::vector<Edit> script;
  for (int i = 0; i < prefix; ++i) script.push_back({Op::kEqual, a[i]});
  Myers(a, b, n - prefix - suffix, m - prefix - suffix, prefix, prefix, script);
  for (int i = n - suffix; i < n; ++i) script.push_back({Op::kEqual, a[i]});

  std::string out = "--- " + path + "\n+++ " + path + "\n";
  size_t i = 0;
  int line_a = 0, line_b = 0;  // lines consumed before script[i]
  while (i < script.size()) {
    if (script[i].op == Op::kEqual) {
      ++i;
      ++line_a;
      ++line_b;
      continue;
    }
    // A hunk: back up `context` equal lines, run until `2*context` equal lines in a row.
    size_t start = i;
    int back = 0;
    while (start > 0 && back < context && script[start - 1].op == Op::kEqual) {
      --start;
      ++back;
    }
    size_t end = i;
    int equal_run = 0;
    while (end < script.size() && (script[end].op != Op::kEqual || equal_run < 2 * context)) {
      equal_run = script[end].op == Op::kEqual ? equal_run + 1 : 0;
      ++end;
    }
    if (equal_run > context) end -= equal_run - context;
    int count_a = 0, count_b = 0;
    std::string body;
    for (size_t j = start; j < end; ++j) {
      const Edit& e = script[j];
      count_a += e.op != Op::kInsert;
      count_b += e.op != Op::kDelete;
      AppendLine(body, e.op == Op::kEqual ? ' ' : e.op == Op::kDelete ? '-' : '+', e.line);
    }
    out += "@@ -" + Range(line_a - back, count_a) + " +" + Range(line_b - back, count_b) + " @@\n" +
           body;
    line_a += count_a - back;
    line_b += count_b - back;
    i = end;
  }
  return out;
}

}  // namespace dcv::nginx
