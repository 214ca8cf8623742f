// apache_analysis_bench TREE DOMAIN [RUNS]: the agent's whole analysis of an Apache tree —
// read and parse every file with includes and conditionals (Detect), collect the vhosts,
// select one and predict every CA URL for DOMAIN and www.DOMAIN, http and https, IPv4 and
// IPv6 (Diagnose), and plan the fix, re-parsing the edited tree for each what-if (PlanFix)
// — timed over RUNS runs (median), with the process's peak RSS. httpd itself is not run:
// the config test the agent runs first (`apache2ctl -t`) is answered "Syntax OK" here and
// is counted separately by bench/apache_analysis.sh next to `apache2 -t -D DUMP_VHOSTS`.
// After the timed runs it prints the vhost (file:line) chosen for http:// and https://
// DOMAIN, which the script checks against the one apache2 lists. Not a test.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "remediators/webserver/apache/apache_remediator.h"

namespace {

// Answers the config test (`apache2ctl -d TREE -f TREE/apache2.conf -t`) as passing; runs nothing.
class SyntaxOkRunner : public dcv::ProcessRunner {
 public:
  dcv::ProcessResult Run(const std::vector<std::string>&, const dcv::ProcessOptions&) override {
    dcv::ProcessResult r;
    r.started = true;
    r.exit_status = 0;
    r.err = "Syntax OK\n";
    return r;
  }
};

// The httpd the agent would find running as `apache2 -d TREE -f TREE/apache2.conf`.
dcv::apache::ApacheInstance TreeInstance(const std::string& tree) {
  dcv::apache::ApacheInstance instance;
  instance.server_root = tree;
  instance.conf_path = tree + "/apache2.conf";
  instance.flags = {"-d", tree, "-f", instance.conf_path};
  instance.pid = 1;
  return instance;
}

double Seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

// User + system CPU time of this process so far: on a shared machine the wall time also
// counts the other jobs' turn on the CPU.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// "file:line" of the vhost each http/https IPv4 URL of `domain` reaches, for the sanity check.
void PrintChosenVhosts(const dcv::ApacheRemediator& apache, const dcv::Target& target) {
  if (apache.config() == nullptr) return;
  dcv::ApacheEvaluation eval = apache.Evaluate(target, *apache.config());
  for (const dcv::ApacheUrlCase& c : eval.cases) {
    if (c.ipv6 || c.domain != target.domains.front()) continue;
    std::printf("vhost %s %s %s\n", c.https ? "https" : "http", c.domain.c_str(),
                c.listening ? (*eval.vhosts)[c.vhost].where.c_str() : "(not listening)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: apache_analysis_bench TREE DOMAIN [RUNS]\n");
    return 2;
  }
  const std::string tree = std::filesystem::absolute(argv[1]).lexically_normal().string();
  const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  dcv::Target target;
  target.domains = {argv[2], std::string("www.") + argv[2]};
  target.token = "fileauth.txt";
  target.content = "bench-token";
  std::vector<double> times, parse_times, diagnose_times, cpu_times;
  std::size_t steps = 0, findings = 0;
  for (int r = 0; r < runs; ++r) {
    SyntaxOkRunner runner;
    dcv::Host host{runner, {}, {}, "bench"};
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = CpuSeconds();
    dcv::ApacheOptions options;
    options.instance = TreeInstance(tree);
    dcv::ApacheRemediator apache(std::move(options));
    auto found = apache.Detect(host);
    if (!found || !*found || apache.config() == nullptr) {
      std::fprintf(stderr, "apache tree not read: %s\n", !found ? found.error().message.c_str() : "not found");
      return 1;
    }
    parse_times.push_back(Seconds(std::chrono::steady_clock::now() - start));
    dcv::Diagnosis diagnosis;
    apache.Diagnose(target, host, diagnosis);
    diagnose_times.push_back(Seconds(std::chrono::steady_clock::now() - start) - parse_times.back());
    dcv::Plan plan;
    if (auto planned = apache.PlanFix(target, host, diagnosis, plan); !planned) {
      std::fprintf(stderr, "plan refused: %s\n", planned.error().message.c_str());
      return 1;
    }
    times.push_back(Seconds(std::chrono::steady_clock::now() - start));
    cpu_times.push_back(CpuSeconds() - cpu_start);
    steps = plan.steps.size();
    findings = diagnosis.findings.size();
    if (r == runs - 1) PrintChosenVhosts(apache, target);
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
