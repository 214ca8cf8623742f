// The predictor: replays nginx's request phases over the configuration for one request.
// Server-level rewrite directives run first, in order (return, rewrite with its flags,
// if, set, break); then a location is chosen (nginx_locations) and its own rewrite
// directives run (`last` restarts the search, at most 10 times as in nginx); then the
// access phase (allow/deny, auth_basic, satisfy) and the content phase (try_files,
// *_pass, alias/root). Every answer names the directive that decided it.
#include "remediators/webserver/nginx/nginx_predict.h"

#include "remediators/webserver/nginx/nginx_evaluator.h"

namespace dcv::nginx {
namespace {

bool IsRedirectCode(int code) {
  return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
}

bool IsAbsoluteUrl(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0;
}

bool IsUnsupported(const std::string& name) {
  return name.find("_by_lua") != std::string::npos || name.rfind("perl", 0) == 0 ||
         name.rfind("js_", 0) == 0 || name == "content_by_lua" || name == "stub_status" ||
         name == "empty_gif";
}

}  // namespace

Evaluator::Evaluator(const Config& config, const ServerBlock& server, const Request& request,
                     const FileView& files)
    : config_(config), server_(server) {
  state_.request = &request;
  state_.server = &server;
  state_.files = &files;
  state_.uri = request.uri;
  for (const Directive& top : config.root) {
    if (top.name == "http") state_.http = &top.children;
  }
}

Evaluator::Flow Evaluator::Unknown(const Directive& d, const std::string& why) {
  answer_ = Answer{};
  answer_.outcome = Outcome::kUnknown;
  answer_.decider = &d;
  answer_.note = why + " at " + config_.Where(d);
  return Flow::kDone;
}

std::string Evaluator::AbsoluteLocation(const std::string& target) const {
  if (IsAbsoluteUrl(target) || target.empty() || target[0] != '/') return target;
  const Request& r = *state_.request;
  bool default_port =
      (r.scheme == "http" && r.port == 80) || (r.scheme == "https" && r.port == 443);
  return r.scheme + "://" + r.host + (default_port ? "" : ":" + std::to_string(r.port)) + target;
}

Evaluator::Flow Evaluator::Return(const Directive& d) {
  if (d.args.empty()) return Unknown(d, "return without arguments");
  answer_ = Answer{};
  answer_.decider = &d;
  std::optional<std::string> text;
  const std::string& first = d.args[0];
  bool numeric = first.find_first_not_of("0123456789") == std::string::npos;
  int code = numeric ? std::stoi(first) : 302;
  if (d.args.size() > 1 || !numeric) {
    text = Expand(d.args.size() > 1 ? d.args[1] : first, state_);
    if (!text) return Unknown(d, "return with an unknown variable");
  }
  answer_.status = code;
  answer_.note = "return at " + config_.Where(d);
  if (code == 444) {
    answer_.outcome = Outcome::kNoResponse;
    answer_.status = 0;
  } else if (IsRedirectCode(code)) {
    answer_.outcome = Outcome::kRedirect;
    answer_.location = AbsoluteLocation(text.value_or(""));
  } else {
    answer_.outcome = Outcome::kStatus;
    answer_.body = text.value_or("");
    answer_.denied = code == 401 || code == 403 || code == 404 || code == 410;
  }
  return Flow::kDone;
}

Evaluator::Flow Evaluator::Rewrite(const Directive& d) {
  if (d.args.size() < 2) return Unknown(d, "rewrite without a replacement");
  std::vector<std::string> captures;
  std::optional<bool> hit = RegexSearch(d.args[0], state_.uri, false, &captures);
  if (!hit) return Unknown(d, "rewrite regex not understood");
  if (!*hit) return Flow::kNext;
  state_.captures = std::move(captures);
  std::optional<std::string> target = Expand(d.args[1], state_);
  if (!target) return Unknown(d, "rewrite with an unknown variable");
  std::string flag = d.args.size() > 2 ? d.args[2] : "";
  bool redirect = flag == "redirect" || flag == "permanent" || IsAbsoluteUrl(*target) ||
                  d.args[1].rfind("$scheme", 0) == 0;
  if (redirect) {
    answer_ = Answer{};
    answer_.outcome = Outcome::kRedirect;
    answer_.status = flag == "permanent" ? 301 : 302;
    if (!target->empty() && target->back() == '?') target->pop_back();
    answer_.location = AbsoluteLocation(*target);
    answer_.decider = &d;
    answer_.note = "rewrite at " + config_.Where(d);
    return Flow::kDone;
  }
  state_.uri = target->substr(0, target->find('?'));
  if (flag == "last") return Flow::kLast;
  if (flag == "break") return Flow::kBreak;
  return Flow::kNext;
}

Evaluator::Flow Evaluator::If(const Directive& d, bool in_location) {
  std::optional<bool> cond = EvalCondition(d.args, state_);
  if (!cond) return Unknown(d, "if condition not evaluated");
  if (!*cond) return Flow::kNext;
  if (in_location) chain_.push_back(&d);  // its config applies to the request
  return RunRewrites(d.children, in_location);
}

Evaluator::Flow Evaluator::RunRewrites(const std::vector<Directive>& list, bool in_location) {
  for (const Directive& d : list) {
    Flow flow = Flow::kNext;
    if (d.name == "return")
      flow = Return(d);
    else if (d.name == "rewrite")
      flow = Rewrite(d);
    else if (d.name == "if")
      flow = If(d, in_location);
    else if (d.name == "break")
      flow = Flow::kBreak;
    else if (IsUnsupported(d.name))
      flow = Unknown(d, "unsupported directive " + d.name);
    else if (d.name == "set" && d.args.size() == 2 && d.args[0].size() > 1) {
      std::optional<std::string> v = Expand(d.args[1], state_);
      if (v)
        state_.vars[d.args[0].substr(1)] = *v;
      else
        state_.vars.erase(d.args[0].substr(1));  // unknown stays unknown
    }
    if (flow != Flow::kNext) return flow;
  }
  return Flow::kNext;
}

Answer Predict(const Config& config, const ServerBlock& server, const Request& request,
               const FileView& files) {
  return Evaluator(config, server, request, files).Run();
}

}  // namespace dcv::nginx
