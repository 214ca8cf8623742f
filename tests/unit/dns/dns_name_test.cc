// The record name per CA profile and --txt-name, and the CLI's checks of the dns options
// (each error names the option).
#include <gtest/gtest.h>

#include "agent/cli_options.h"
#include "agent/dns/dns_diagnosis.h"

namespace dcv {
namespace {

TEST(TxtRecordName, PerCaProfileAndOverride) {
  Target t;
  t.method = Method::kDns;
  EXPECT_EQ(TxtRecordName(t, "example.com"), "_dnsauth.example.com.");
  t.ca = "letsencrypt";
  EXPECT_EQ(TxtRecordName(t, "example.com"), "_acme-challenge.example.com.");
  EXPECT_EQ(TxtRecordName(t, "*.example.com"), "_acme-challenge.example.com.");
  t.txt_name = "_pki-validation";
  EXPECT_EQ(TxtRecordName(t, "www.example.com"), "_pki-validation.www.example.com.");
  t.txt_name = "_token.Elsewhere.example.net";
  EXPECT_EQ(TxtRecordName(t, "www.example.com"), "_token.elsewhere.example.net.");
}

TargetOptions DnsOptions() {
  TargetOptions o;
  o.domains = {"example.com"};
  o.method = "dns";
  o.content = "token-value";
  return o;
}

void ExpectErrorNaming(const TargetOptions& o, const std::string& option) {
  Result<Target> t = BuildTarget(o, true);
  ASSERT_FALSE(t) << option;
  EXPECT_NE(t.error().message.find(option), std::string::npos) << t.error().message;
}

TEST(DnsOptions, DnsMethodNeedsNoTokenButTheValue) {
  Result<Target> t = BuildTarget(DnsOptions(), true);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->method, Method::kDns);
  EXPECT_EQ(t->content, "token-value");
  TargetOptions no_value = DnsOptions();
  no_value.content.clear();
  ExpectErrorNaming(no_value, "--content");
}

TEST(DnsOptions, EachBadValueIsNamed) {
  TargetOptions o = DnsOptions();
  o.txt_name = "bad name!";
  ExpectErrorNaming(o, "--txt-name");
  o = DnsOptions();
  o.root_hints = "/nonexistent/root.hints";
  ExpectErrorNaming(o, "--root-hints");
  o = DnsOptions();
  o.trust_anchor = "/nonexistent/root.ds";
  ExpectErrorNaming(o, "--trust-anchor");
  o = DnsOptions();
  o.dns_server = "ns1.example.com";
  ExpectErrorNaming(o, "--tsig-key");
  o = DnsOptions();
  o.dns_server = "bad server";
  o.tsig_key = std::string(DCV_FIXTURES) + "/dns/root.hints";
  ExpectErrorNaming(o, "--dns-server");
}

TEST(DnsOptions, GoodValuesReachTheTarget) {
  TargetOptions o = DnsOptions();
  o.txt_name = "_dnsauth.example.com.";
  o.root_hints = std::string(DCV_FIXTURES) + "/dns/root.hints";
  o.dns_server = "10.98.0.11";
  o.tsig_key = std::string(DCV_FIXTURES) + "/dns/update/key.txt";
  Result<Target> t = BuildTarget(o, true);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->txt_name, "_dnsauth.example.com.");
  EXPECT_EQ(t->root_hints, o.root_hints);
  EXPECT_EQ(t->dns_server, "10.98.0.11");
  EXPECT_EQ(t->tsig_key, o.tsig_key);
}

TEST(DnsOptions, MalformedTsigKeyIsAUsageErrorNamingFileAndLine) {
  TargetOptions o = DnsOptions();
  o.dns_server = "10.98.0.11";
  o.tsig_key = std::string(DCV_FIXTURES) + "/dns/root.hints";  // a file, but not a key
  Result<Target> t = BuildTarget(o, true);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().message.rfind("invalid --tsig-key: TSIG key file '" + o.tsig_key + "' line ", 0), 0u)
      << t.error().message;
}

TEST(DnsOptions, CleanupWithAnUpdateServerNeedsTheValue) {
  TargetOptions o = DnsOptions();
  o.content.clear();
  o.dns_server = "10.98.0.11";
  o.tsig_key = std::string(DCV_FIXTURES) + "/dns/update/key.txt";
  Result<Target> t = BuildTarget(o, false);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().message, "--content or --content-file is required");
}

}  // namespace
}  // namespace dcv
