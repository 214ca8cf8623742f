// Test support: instantiates an Apache corpus case (tests/fixtures/apache/corpus/<case>)
// into a temporary directory the way corpus/harness/instantiate.sh does, places the
// validation file where the case's SOURCE.md says, reads the recorded answers, and
// predicts one recorded URL the way the remediator does (Listen, vhost, TLS, Predict).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "remediators/webserver/apache/apache_config.h"
#include "remediators/webserver/apache/apache_predict.h"
#include "remediators/webserver/apache/apache_vhost.h"

namespace dcv::apache::testing {

/// One row of observed-source-placement.tsv.
struct Observed {
  std::string url, family, status, location, body;
};

inline std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + to.size())) {
    s.replace(i, from.size(), to);
  }
}

/// A corpus case copied to a fresh directory with its placeholders filled.
class CorpusCase {
 public:
  /// `cert`/`key` fill __CERT__/__KEY__ (a pair that exists lets `apache2 -t` pass).
  explicit CorpusCase(const std::string& name, const std::string& cert = "/nonexistent/test.crt",
                      const std::string& key = "/nonexistent/test.key")
      : name_(name) {
    namespace fs = std::filesystem;
    fs::path src = fs::path(DCV_FIXTURES) / "apache" / "corpus" / name;
    run_ = fs::temp_directory_path() / ("apache-corpus-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(run_);
    for (const char* d : {"www", "logs", "html", "run"}) fs::create_directories(run_ / d);
    for (const auto& e : fs::recursive_directory_iterator(src)) {
      fs::path dst = run_ / fs::relative(e.path(), src);
      if (e.is_directory()) {
        fs::create_directories(dst);
        continue;
      }
      std::string text = ReadAll(e.path());
      if (e.path().filename() != "SOURCE.md") {
        ReplaceAll(text, "__SERVER_ROOT__", run_.string());
        ReplaceAll(text, "__ROOT__", (run_ / "www").string());
        ReplaceAll(text, "__CERT__", cert);
        ReplaceAll(text, "__KEY__", key);
        ReplaceAll(text, "__UPSTREAM_PORT2__", "18081");
        ReplaceAll(text, "__UPSTREAM_PORT__", "18080");
      }
      std::ofstream(dst, std::ios::binary) << text;
      CreateRoots(text);
    }
  }
  ~CorpusCase() { std::filesystem::remove_all(run_); }
  CorpusCase(const CorpusCase&) = delete;
  CorpusCase& operator=(const CorpusCase&) = delete;

  /// Creates the DocumentRoot and Alias directories under www*/ (as instantiate.sh does:
  /// `apache2 -t` requires DocumentRoot to exist).
  void CreateRoots(const std::string& text) const {
    std::regex re("(DocumentRoot|Alias)[ \t]+\"?(" + run_.string() + "/www[^\" \n]*)");
    for (std::sregex_iterator i(text.begin(), text.end(), re), end; i != end; ++i) {
      std::string d = (*i)[2];
      bool file = d.back() != '/' && std::filesystem::path(d).has_extension();
      std::filesystem::create_directories(file ? std::filesystem::path(d).parent_path()
                                               : std::filesystem::path(d));
    }
  }

  std::string name() const { return name_; }
  std::string dir() const { return run_.string(); }
  std::string conf() const { return (run_ / "httpd.conf").string(); }

  LoadOptions Options() const {
    LoadOptions o;
    o.conf_path = conf();
    o.server_root = dir();
    return o;
  }

  /// Creates the validation file where SOURCE.md places it; returns the paths.
  std::vector<std::string> PlaceValidationFile(const std::string& content) const {
    std::istringstream md(ReadAll(run_ / "SOURCE.md"));
    std::vector<std::string> placed;
    bool in_section = false;
    for (std::string line; std::getline(md, line);) {
      if (line.rfind("## ", 0) == 0) in_section = line.find("placement") != std::string::npos;
      if (!in_section || line.rfind("- `", 0) != 0) continue;
      std::string rel = line.substr(3, line.find_first_of("` ", 3) - 3);
      std::filesystem::path p = run_ / rel;
      std::filesystem::create_directories(p.parent_path());
      std::ofstream(p) << content;
      placed.push_back(p.string());
    }
    return placed;
  }

  /// Writes index.html into every DocumentRoot under the case's directory that lacks one,
  /// as the oracle did before recording.
  void PlaceIndexFiles(const Config& config) const {
    ForEachDirective(config.root, [&](const Directive& d) {
      if (!d.Is("DocumentRoot") || d.args.empty()) return;
      std::filesystem::path root = std::filesystem::path(d.args[0]).lexically_normal();
      if (root.string().rfind(run_.string() + "/", 0) != 0) return;
      std::filesystem::create_directories(root);
      if (!std::filesystem::exists(root / "index.html")) {
        std::ofstream(root / "index.html") << "oracle-index-page\n";
      }
    });
  }

  /// The recorded answers of this case (only the validation URL's when asked).
  std::vector<Observed> ObservedRows(bool validation_only) const {
    std::istringstream tsv(ReadAll(std::filesystem::path(DCV_FIXTURES) / "apache" / "corpus" /
                                   "observed-source-placement.tsv"));
    std::vector<Observed> rows;
    for (std::string line; std::getline(tsv, line);) {
      std::vector<std::string> f;
      std::istringstream cells(line);
      for (std::string c; std::getline(cells, c, '\t');) f.push_back(c);
      if (f.size() < 6 || f[0] != "apache/" + name_) continue;
      if (validation_only && f[1].find("/.well-known/pki-validation/") == std::string::npos) {
        continue;
      }
      rows.push_back({f[1], f[2], f[3], f[4], f[5]});
    }
    return rows;
  }

 private:
  std::string name_;
  std::filesystem::path run_;
};

/// What the model predicts for a recorded URL, in the TSV's terms: the status
/// ("conn-refused" when nothing listens, "tls-error" for https to a plain vhost) and the
/// Location ("-" when none).
struct RowPrediction {
  std::string status;
  std::string location = "-";
  Answer answer;
};

inline RowPrediction PredictRow(const Config& config, const std::string& url, bool ipv6) {
  std::smatch m;
  std::regex re("^(https?)://([^/]+)(/.*)$");
  RowPrediction out;
  if (!std::regex_match(url, m, re)) return {"bad-url", "-", {}};
  Request request{m[1], m[2], m[1] == "https" ? 443 : 80, m[3]};
  Endpoint endpoint{request.port, ipv6, {}};
  std::vector<Vhost> vhosts = CollectVhosts(config);
  if (!Listens(CollectListens(config), endpoint)) return {"conn-refused", "-", {}};
  const Vhost& vhost = SelectVhost(vhosts, request.host, endpoint);
  if ((request.scheme == "https") != vhost.ssl) return {"tls-error", "-", {}};
  out.answer = Predict(config, vhost, request, RealFiles());
  out.status = std::to_string(out.answer.status);
  if (out.answer.outcome == Outcome::kRedirect) out.location = out.answer.location;
  if (out.answer.outcome == Outcome::kUpstream) out.status = "upstream";
  return out;
}

inline const std::vector<std::string>& AllCases() {
  static const std::vector<std::string> cases = {
      "01-debian-default", "02-h5bp-https-only", "03-h5bp-htaccess-force-https",
      "04-mozilla-intermediate", "05-mastodon-redirect-proxy-unless-file",
      "06-shaarli-hostcond-redirect-dotfile-404", "07-wordpress-htaccess", "08-laravel-htaccess",
      "09-drupal-htaccess", "10-certbot-apache-redirect", "12-symfony-fallbackresource",
      "13-certbot-docroot-outside-grant", "14-jitsi-redirect-plus-rewrite"};
  return cases;
}

}  // namespace dcv::apache::testing
