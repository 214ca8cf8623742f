// nginx_analysis_bench TREE DOMAIN [RUNS]: the agent's whole analysis of an nginx tree —
// read and parse every file (Detect), select the server block and predict every CA URL for
// DOMAIN and www.DOMAIN (Diagnose), and plan the fix (PlanFix) — timed over RUNS runs
// (median), with the process's peak RSS. nginx itself is not run: `-V` is answered for
// the tree and its own config test (`nginx -t`, which fix runs before planning) is counted
// separately by bench/nginx_analysis.sh next to `nginx -T`. Not a test.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "remediators/webserver/nginx/nginx_remediator.h"

namespace {

// Answers `nginx -V` with a build whose prefix and configuration are the tree's.
class TreeRunner : public dcv::ProcessRunner {
 public:
  explicit TreeRunner(std::string tree) : tree_(std::move(tree)) {}
  dcv::ProcessResult Run(const std::vector<std::string>& argv, const dcv::ProcessOptions&) override {
    dcv::ProcessResult r;
    r.started = true;
    r.exit_status = 0;
    if (argv.back() == "-V") {
      r.err = "nginx version: nginx/1.22.1\nconfigure arguments: --prefix=" + tree_ + " --conf-path=" + tree_ +
              "/nginx.conf --with-http_ssl_module\n";
    }
    return r;
  }

 private:
  std::string tree_;
};

double Seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

// User + system CPU time of this process so far: on a shared machine the wall time also
// counts the other jobs' turn on the CPU.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: nginx_analysis_bench TREE DOMAIN [RUNS]\n");
    return 2;
  }
  const std::string tree = std::filesystem::absolute(argv[1]).string();
  const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  dcv::Target target;
  target.domains = {argv[2], std::string("www.") + argv[2]};
  target.token = "fileauth.txt";
  target.content = "bench-token";
  const std::string empty = std::filesystem::temp_directory_path() / "dcv-bench-no-proc";
  std::filesystem::create_directories(empty);
  std::vector<double> times, parse_times, diagnose_times, cpu_times;
  std::size_t steps = 0, findings = 0;
  for (int r = 0; r < runs; ++r) {
    TreeRunner runner(tree);
    dcv::Host host{runner, {}, {}, "bench"};
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = CpuSeconds();
    dcv::NginxRemediator nginx(dcv::NginxOptions{empty, empty + "/no-systemd", std::vector<std::string>{}});
    auto found = nginx.Detect(host);
    if (!found || !*found) {
      std::fprintf(stderr, "nginx tree not read: %s\n", found ? "not found" : found.error().message.c_str());
      return 1;
    }
    parse_times.push_back(Seconds(std::chrono::steady_clock::now() - start));
    dcv::Diagnosis diagnosis;
    nginx.Diagnose(target, host, diagnosis);
    diagnose_times.push_back(Seconds(std::chrono::steady_clock::now() - start) - parse_times.back());
    dcv::Plan plan;
    if (auto planned = nginx.PlanFix(target, host, diagnosis, plan); !planned) {
      std::fprintf(stderr, "plan refused: %s\n", planned.error().message.c_str());
      return 1;
    }
    times.push_back(Seconds(std::chrono::steady_clock::now() - start));
    cpu_times.push_back(CpuSeconds() - cpu_start);
    steps = plan.steps.size();
    findings = diagnosis.findings.size();
  }
  std::sort(times.begin(), times.end());
  std::sort(parse_times.begin(), parse_times.end());
  std::sort(diagnose_times.begin(), diagnose_times.end());
  std::sort(cpu_times.begin(), cpu_times.end());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("analysis %.3f s wall, %.3f s CPU (median of %d; read+parse %.3f, select+predict %.3f), "
              "peak RSS %ld MB, %zu findings, %zu plan steps\n",
              times[times.size() / 2], cpu_times[runs / 2], runs, parse_times[runs / 2], diagnose_times[runs / 2],
              usage.ru_maxrss / 1024, findings, steps);
  return 0;
}
