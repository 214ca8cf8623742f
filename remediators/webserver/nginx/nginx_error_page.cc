// error_page: what nginx makes of an error answer it produced itself (a missing file's 404,
// 401/403 from access, `return CODE` without text, try_files =CODE), as the CA would see
// it. The list comes from the innermost level that has any error_page (location, server,
// http: an array directive, not merged). The page is an absolute URL (a redirect, 302
// unless =301/302/303/307/308), a named location (its handler answers), or a URI (an
// internal redirect: a new location search). The status stays the original one unless
// `=CODE` sets it or a bare `=` takes the page's own; recursive_error_pages is off by
// default, so the page's own errors are not intercepted again. Upstream answers are not
// intercepted (proxy_intercept_errors is off by default; when on, the application's status
// is unknown to this model anyway).
#include "remediators/webserver/nginx/nginx_evaluator.h"
#include "remediators/webserver/nginx/nginx_locations.h"

namespace dcv::nginx {
namespace {

bool IsAbsoluteUrl(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0;
}

bool IsRedirectCode(int code) {
  return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
}

// An answer nginx generates with an error status (so error_page may replace it).
bool Interceptable(const Answer& a) {
  if (a.outcome == Outcome::kFile) return a.status == 404;
  return a.outcome == Outcome::kStatus && a.status >= 400 && a.body.empty();
}

}  // namespace

const Directive* Evaluator::ErrorPageFor(int status) const {
  std::vector<const Directive*> levels(chain_.rbegin(), chain_.rend());
  for (const Directive& top : config_.root) {
    if (top.name == "http") levels.push_back(&top);
  }
  const std::string code = std::to_string(status);
  for (const Directive* level : levels) {
    bool has_any = false;
    for (const Directive& d : level->children) {
      if (d.name != "error_page") continue;
      has_any = true;
      for (size_t i = 0; i + 1 < d.args.size(); ++i) {
        if (d.args[i] == code) return &d;
      }
    }
    if (has_any) return nullptr;  // this level's list replaces the outer ones
  }
  return nullptr;
}

void Evaluator::ServeNamed(const Directive& named) {
  chain_ = {server_.directive, &named};
  location_ = &named;
  ResolveRoot();
  Flow flow = RunRewrites(named.children, true);
  if (flow == Flow::kDone) return;
  restart_ = false;
  if (flow != Flow::kLast) Content();
  if (flow == Flow::kLast || restart_) SearchAndServe();
}

void Evaluator::ApplyErrorPage() {
  if (!Interceptable(answer_)) return;
  const Directive* page = ErrorPageFor(answer_.status);
  if (page == nullptr) return;
  const int original = answer_.status;
  const bool denied = answer_.denied;
  const std::string original_note = DescribeAnswer(config_, answer_);
  // [=[CODE]] before the page: =CODE sets the status, a bare = keeps the page's own.
  const std::string& uri_arg = page->args.back();
  const std::string& before = page->args[page->args.size() - 2];
  std::optional<int> forced;
  bool page_status = false;
  if (before.rfind('=', 0) == 0) {
    if (before.size() > 1) forced = std::atoi(before.c_str() + 1);
    else page_status = true;
  }
  std::optional<std::string> uri = Expand(uri_arg, state_);
  if (!uri) {
    Unknown(*page, "error_page with an unknown variable");
    return;
  }
  const std::string why = "error_page at " + config_.Where(*page) + " for " + original_note;
  if (IsAbsoluteUrl(*uri)) {
    answer_ = Answer{};
    answer_.outcome = Outcome::kRedirect;
    answer_.status = forced && IsRedirectCode(*forced) ? *forced : 302;
    answer_.location = *uri;
    answer_.decider = page;
    answer_.note = why;
    return;
  }
  internal_ = true;  // an error page is an internal request
  if ((*uri)[0] == '@') {
    const Directive* named = FindNamedLocation(*server_.directive, *uri);
    if (named == nullptr) {
      Unknown(*page, "named location " + *uri + " not found");
      return;
    }
    ServeNamed(*named);
  } else {
    state_.uri = uri->substr(0, uri->find('?'));
    SearchAndServe();
  }
  if (answer_.outcome == Outcome::kUnknown || answer_.outcome == Outcome::kNoResponse) return;
  if (page_status) return;  // the page's own answer (upstream stays upstream)
  answer_.status = forced ? *forced : original;
  if (answer_.outcome == Outcome::kUpstream || answer_.outcome == Outcome::kFile) {
    answer_.outcome = Outcome::kStatus;  // that status, with the page's body
  }
  if (answer_.outcome == Outcome::kRedirect && !IsRedirectCode(answer_.status)) answer_.outcome = Outcome::kStatus;
  answer_.denied = denied && answer_.status >= 400;
  answer_.decider = page;
  answer_.note = why;
}

}  // namespace dcv::nginx
