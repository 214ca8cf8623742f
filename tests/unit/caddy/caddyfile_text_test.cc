// Caddyfile text tests: site blocks and their lines, the site a URL reaches, the line of
// a directive, the marked edit and its exact removal, and — with the real caddy binary —
// that `caddy validate` accepts the edited fixtures (validate binds no port).
#include "remediators/webserver/caddy/caddyfile_text.h"

#include <gtest/gtest.h>

#include "platform/process.h"
#include "tests/support/temp_dir.h"

namespace dcv::caddy {
namespace {

Caddyfile Fixture(const std::string& name) {
  std::string path = std::string(DCV_FIXTURES) + "/caddy/" + name + ".Caddyfile";
  return ScanCaddyfile(path, testing::ReadText(path));
}

bool HaveCaddy() { return SystemProcessRunner().Run({"caddy", "version"}).ok(); }

TEST(CaddyfileTextTest, ScansSitesSkippingGlobalOptions) {
  Caddyfile f = Fixture("auto-https-off");
  ASSERT_EQ(f.sites.size(), 1u);
  EXPECT_EQ(f.sites[0].open_line, 5);
  EXPECT_EQ(f.sites[0].close_line, 8);
  ASSERT_EQ(f.sites[0].addresses.size(), 2u);
  EXPECT_EQ(f.sites[0].addresses[1].scheme, "http");
  EXPECT_EQ(f.sites[0].addresses[1].host, "www.example.com");
}

TEST(CaddyfileTextTest, FindsTheSiteAndDirectiveLines) {
  Caddyfile f = Fixture("reverse-proxy");
  const SiteBlock* app = FindSite(f, "example.com", true);
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(Where(f, *app, {"reverse_proxy"}), f.path + ":8");
  const SiteBlock* www = FindSite(f, "www.example.com", true);
  ASSERT_NE(www, nullptr);
  EXPECT_EQ(Where(f, *www, {"redir"}), f.path + ":12");
  EXPECT_EQ(FindSite(f, "example.com", false), nullptr);  // http: automatic HTTPS, no block
  Caddyfile stock = Fixture("debian-stock");
  ASSERT_NE(FindSite(stock, "example.com", false), nullptr);
  EXPECT_EQ(Where(stock, *FindSite(stock, "example.com", false), {"file_server"}), stock.path + ":16");
}

TEST(CaddyfileTextTest, InsertedHandlesAreRemovedByteForByte) {
  Caddyfile f = Fixture("file-server");
  std::string edited = InsertHandles(f, {&f.sites[0]}, {"example.com", "www.example.com"}, "tok.txt",
                                     "/.well-known/pki-validation/tok.txt", "/var/www/dcv-agent");
  EXPECT_NE(edited.find("example.com www.example.com {\n\t# dcv-agent tok.txt begin\n"
                        "\thandle /.well-known/pki-validation/tok.txt {\n\t\troot * /var/www/dcv-agent\n"
                        "\t\tfile_server\n\t}\n\t# dcv-agent tok.txt end\n\troot * /var/www/html\n"),
            std::string::npos)
      << edited;
  EXPECT_NE(edited.find("http://example.com, http://www.example.com {\n"), std::string::npos);
  EXPECT_NE(edited.find("redir https://{host}{uri} 308"), std::string::npos);
  EXPECT_EQ(RemoveHandles(edited, "tok.txt"), f.text);
  EXPECT_EQ(RemoveHandles(edited, "other.txt"), edited);
}

TEST(CaddyfileTextTest, CaddyValidateAcceptsTheEditedFixtures) {
  ASSERT_TRUE(HaveCaddy()) << "caddy is not installed (scripts/install-deps installs it)";
  testing::TempDir dir;
  // `caddy validate` provisions its local CA in XDG_DATA_HOME: keep it in the temp dir.
  ::setenv("XDG_DATA_HOME", (dir / "xdg-data").c_str(), 1);
  ::setenv("XDG_CONFIG_HOME", (dir / "xdg-config").c_str(), 1);
  // http:// blocks are added only where automatic HTTPS redirects (a host with no http site).
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"file-server", {"example.com", "www.example.com"}},
      {"reverse-proxy", {"example.com"}},
      {"debian-stock", {}},
      {"auto-https-off", {}},
      {"disable-redirects", {}}};
  for (const auto& [name, http_hosts] : cases) {
    Caddyfile f = Fixture(name);
    std::vector<const SiteBlock*> sites;
    for (const SiteBlock& s : f.sites) sites.push_back(&s);
    std::string path = dir / (name + ".Caddyfile");
    testing::WriteText(path, InsertHandles(f, sites, http_hosts, "tok.txt",
                                           "/.well-known/pki-validation/tok.txt", "/var/www/dcv-agent"));
    ProcessResult r =
        SystemProcessRunner().Run({"caddy", "validate", "--config", path, "--adapter", "caddyfile"});
    EXPECT_TRUE(r.ok()) << name << ": " << r.err;
  }
}

}  // namespace
}  // namespace dcv::caddy
