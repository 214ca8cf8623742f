// libunbound as the CA's resolver. One context per diagnosis, asynchronous queries on its
// own thread (ub_ctx_async), polled here until all are done or the deadline passes; the
// rest are cancelled. Pitfalls from the research (../shared/research/dns.md): a bogus
// answer comes back as NOERROR with data and bogus=1, so `bogus` is checked first; unbound
// answers RFC 6761 names (test., ...) itself unless that local zone is removed, which a
// private root needs; outbound-msg-retry 1 keeps a dead server from costing 17 s.
#include "agent/dns/ca_view.h"

#include <poll.h>

#include <memory>

#include <spdlog/spdlog.h>
#include <unbound.h>

namespace dcv {
namespace {

struct CtxFree { void operator()(ub_ctx* ctx) const { ub_ctx_delete(ctx); } };
using Clock = std::chrono::steady_clock;

struct Pending {
  CaViewAnswer* answer;
  bool done = false;
};

void OnResult(void* arg, int err, ub_result* result) {
  auto* pending = static_cast<Pending*>(arg);
  pending->done = true;
  CaViewAnswer& a = *pending->answer;
  if (err != 0 || !result) {
    a.error = ub_strerror(err);
    return;
  }
  a.rcode = result->rcode;
  a.secure = result->secure != 0;
  a.bogus = result->bogus != 0;
  if (result->why_bogus) a.why_bogus = result->why_bogus;
  for (int i = 0; result->data && result->data[i]; ++i) {
    const std::vector<std::uint8_t> rdata(result->data[i], result->data[i] + result->len[i]);
    DnsRecord record{"", static_cast<std::uint16_t>(result->qtype), 0, rdata, "", "", ""};
    a.data.push_back(record.Is(RrType::kTxt) ? TxtValue(record) : std::to_string(rdata.size()) + " bytes");
  }
  ub_resolve_free(result);
}

Result<std::unique_ptr<ub_ctx, CtxFree>> MakeContext(const CaViewOptions& options) {
  std::unique_ptr<ub_ctx, CtxFree> ctx(ub_ctx_create());
  if (!ctx) return MakeError("cannot create a libunbound context");
  ub_ctx_async(ctx.get(), 1);
  ub_ctx_set_option(ctx.get(), "outbound-msg-retry:", "1");
  ub_ctx_set_option(ctx.get(), "use-caps-for-id:", "yes");
  if (!options.root_hints.empty()) {
    if (int err = ub_ctx_set_option(ctx.get(), "root-hints:", options.root_hints.c_str()); err != 0) {
      return MakeError("root hints " + options.root_hints + ": " + ub_strerror(err));
    }
  }
  if (!options.trust_anchor.empty()) {
    if (int err = ub_ctx_add_ta_file(ctx.get(), options.trust_anchor.c_str()); err != 0) {
      return MakeError("trust anchor " + options.trust_anchor + ": " + ub_strerror(err));
    }
  }
  // Last: removing a local zone finalizes the context (no option may change after it).
  if (!options.root_hints.empty()) ub_ctx_zone_remove(ctx.get(), "test.");  // private roots may use RFC 6761 names
  return ctx;
}

}  // namespace

Result<std::vector<CaViewAnswer>> ResolveAsCa(const std::vector<CaViewQuestion>& questions,
                                              const CaViewOptions& options) {
  auto ctx = MakeContext(options);
  if (!ctx) return ctx.error();
  std::vector<CaViewAnswer> answers(questions.size());
  std::vector<Pending> pending(questions.size());
  std::vector<int> ids(questions.size(), -1);
  for (std::size_t i = 0; i < questions.size(); ++i) {
    answers[i].question = questions[i];
    pending[i].answer = &answers[i];
    const int err = ub_resolve_async(ctx->get(), questions[i].name.c_str(), static_cast<int>(questions[i].type), 1,
                                     &pending[i], OnResult, &ids[i]);
    if (err != 0) return MakeError("libunbound: " + std::string(ub_strerror(err)));
  }
  const auto end = Clock::now() + options.deadline;
  auto all_done = [&] {
    for (const Pending& p : pending) if (!p.done) return false;
    return true;
  };
  while (!all_done() && Clock::now() < end) {
    pollfd fd{ub_fd(ctx->get()), POLLIN, 0};
    ::poll(&fd, 1, 50);
    ub_process(ctx->get());
  }
  for (std::size_t i = 0; i < questions.size(); ++i) {
    if (pending[i].done) continue;
    ub_cancel(ctx->get(), ids[i]);
    answers[i].timed_out = true;
  }
  return answers;
}

std::vector<Finding> CaViewFindings(const std::string& domain, const std::vector<CaViewAnswer>& answers) {
  std::vector<Finding> findings;
  for (const CaViewAnswer& a : answers) {
    const std::string what = a.question.name + " " + TypeName(static_cast<std::uint16_t>(a.question.type));
    if (a.bogus) {
      findings.push_back({FindingCode::kDnssecBogus, Severity::kError, domain, "",
                          "validating resolution of " + what + " is bogus: " + a.why_bogus,
                          "fix the DNSSEC chain: the DS records at the parent must match a DNSKEY the zone signs "
                          "with (or remove the DS to make the zone insecure), and signatures must be current",
                          "", false});
      return findings;  // one per domain: the rest are the same failure
    }
    if (a.question.type != RrType::kTxt) continue;
    if (a.timed_out || a.rcode == static_cast<int>(Rcode::kServFail)) {
      findings.push_back({FindingCode::kTxtMissing, Severity::kError, domain, "",
                          "the CA's validating resolver gets " + std::string(a.timed_out ? "a timeout" : "SERVFAIL") +
                              " for " + what,
                          "make the zone's authoritative servers answer (see the per-server results)", "", false});
    }
  }
  return findings;
}

}  // namespace dcv
