// The location, access and content phases of the predictor. Access follows the access
// module's rules: the innermost level that has allow/deny rules decides, a rule for a
// specific address never matches the CA (it is not on anyone's allow-list), auth_basic
// asks for credentials the CA does not have, and `satisfy any` lets either pass. Content
// comes from the innermost location only (a *_pass, try_files, alias are not inherited),
// while root is inherited and defaults to <prefix>/html as in nginx.
#include <filesystem>

#include "remediators/webserver/nginx/nginx_evaluator.h"
#include "remediators/webserver/nginx/nginx_locations.h"

namespace dcv::nginx {
namespace {

bool IsUpstreamPass(const std::string& name) {
  return name == "proxy_pass" || name == "fastcgi_pass" || name == "uwsgi_pass" ||
         name == "scgi_pass" || name == "grpc_pass" || name == "memcached_pass";
}

bool IsUnknownHandler(const std::string& name) {
  return name.find("content_by_lua") != std::string::npos || name == "js_content" ||
         name == "perl" || name == "stub_status" || name == "empty_gif" || name == "mp4" ||
         name == "flv" || name == "dav_methods";
}

}  // namespace

Answer Evaluator::Run() {
  chain_ = {server_.directive};
  ResolveRoot();
  if (RunRewrites(server_.directive->children, false) != Flow::kDone) SearchAndServe();
  ApplyErrorPage();
  return answer_;
}

void Evaluator::SearchAndServe() {
  for (cycles_ = 0; cycles_ < 10; ++cycles_) {
    if (!SelectLocation()) return;
    ResolveRoot();
    if (cycles_ > 0) internal_ = true;  // rewritten or redirected inside nginx: `internal` admits it
    if (location_ != nullptr) {
      const std::string before = state_.uri;
      Flow flow = RunRewrites(location_->children, true);
      if (flow == Flow::kDone) return;
      // `last`, or a rewrite without a flag that changed the URI: a new location search
      if (flow == Flow::kLast || (flow == Flow::kNext && state_.uri != before)) continue;
    }
    restart_ = false;
    Content();
    if (!restart_) return;
  }
  answer_ = Answer{};
  answer_.outcome = Outcome::kStatus;
  answer_.status = 500;
  answer_.note = "rewrite or internal redirection cycle";
}

bool Evaluator::SelectLocation() {
  LocationMatch m = FindLocation(server_.directive->children, state_.uri);
  if (m.unknown) {
    Unknown(*server_.directive, "a location regex this model does not understand, server");
    return false;
  }
  chain_ = {server_.directive};
  chain_.insert(chain_.end(), m.path.begin(), m.path.end());
  location_ = m.path.empty() ? nullptr : m.path.back();
  location_captures_ = m.captures;
  state_.captures = m.captures;
  return true;
}

const Directive* Evaluator::Inherited(const std::string& name) const {
  for (auto it = chain_.rbegin(); it != chain_.rend(); ++it) {
    for (const Directive& d : (*it)->children) {
      if (d.name == name) return &d;
    }
  }
  for (const Directive& top : config_.root) {
    if (top.name != "http") continue;
    for (const Directive& d : top.children) {
      if (d.name == name) return &d;
    }
  }
  return nullptr;
}

const Directive* Evaluator::Local(const std::string& name) const {
  for (auto it = chain_.rbegin(); it != chain_.rend(); ++it) {
    for (const Directive& d : (*it)->children) {
      if (d.name == name) return &d;
    }
    if (*it == location_ || *it == server_.directive) break;
  }
  return nullptr;
}

void Evaluator::ResolveRoot() {
  root_directive_ = Inherited("root");
  std::string root =
      root_directive_ && !root_directive_->args.empty() ? root_directive_->args[0] : "html";
  std::optional<std::string> expanded = Expand(root, state_);
  if (!expanded) {
    state_.document_root.reset();
    return;
  }
  if (expanded->empty() || (*expanded)[0] != '/') *expanded = config_.prefix + *expanded;
  while (expanded->size() > 1 && expanded->back() == '/') expanded->pop_back();
  state_.document_root = *expanded;
}

bool Evaluator::Access() {
  const Directive* rule = nullptr;
  bool allowed = false;
  for (auto it = chain_.rbegin(); it != chain_.rend() && rule == nullptr && !allowed; ++it) {
    bool level_has_rules = false;
    for (const Directive& d : (*it)->children) {
      if (d.name != "allow" && d.name != "deny") continue;
      level_has_rules = true;
      const std::string arg = d.args.empty() ? "" : d.args[0];
      if (arg == "all" || arg == "0.0.0.0/0" || arg == "::/0") {
        if (d.name == "allow")
          allowed = true;
        else
          rule = &d;
        break;
      }
    }
    if (level_has_rules) break;
  }
  const Directive* auth = Inherited("auth_basic");
  if (auth != nullptr && (auth->args.empty() || auth->args[0] == "off")) auth = nullptr;
  const Directive* satisfy = Inherited("satisfy");
  bool any = satisfy != nullptr && !satisfy->args.empty() && satisfy->args[0] == "any";
  const Directive* internal = internal_ ? nullptr : Local("internal");
  const Directive* decider = internal;
  int status = internal ? 404 : 0;
  if (status == 0 && any && !allowed) {
    decider = auth ? auth : rule;
    status = auth ? 401 : rule ? 403 : 0;
  } else if (status == 0 && !any) {
    decider = rule ? rule : auth;
    status = rule ? 403 : auth ? 401 : 0;
  }
  if (status == 0) return true;
  answer_ = Answer{};
  answer_.outcome = Outcome::kStatus;
  answer_.status = status;
  answer_.denied = true;
  answer_.decider = decider;
  answer_.note = decider->name + " at " + config_.Where(*decider);
  return false;
}

// try_files runs in its own phase, before the content handler: only when it settles on an
// existing file (or has no try_files) does the location's *_pass or static handler answer.
void Evaluator::Content() {
  if (!Access()) return;
  const Directive* handler = nullptr;
  for (auto it = chain_.rbegin(); it != chain_.rend() && *it != server_.directive && !handler; ++it) {
    for (const Directive& d : (*it)->children) {
      if (IsUpstreamPass(d.name) || IsUnknownHandler(d.name)) {
        handler = &d;
        break;
      }
    }
    if (*it == location_) break;
  }
  if (const Directive* tf = Local("try_files")) {
    TryFiles(*tf, handler);
    return;
  }
  Handle(handler, Local("alias") ? Local("alias") : root_directive_);
}

void Evaluator::Handle(const Directive* handler, const Directive* static_decider) {
  if (handler == nullptr) {
    StaticFile(static_decider);
  } else if (IsUnknownHandler(handler->name)) {
    Unknown(*handler, "content handler " + handler->name + " not modelled");
  } else {
    answer_ = Answer{};
    answer_.outcome = Outcome::kUpstream;
    answer_.decider = handler;
    answer_.note = handler->name + " " + (handler->args.empty() ? "" : handler->args[0]) + " at " +
                   config_.Where(*handler);
  }
}

std::optional<std::string> Evaluator::MapToFile(const std::string& uri) {
  const Directive* alias = location_ ? Local("alias") : nullptr;
  if (alias == nullptr || alias->args.empty()) {
    if (!state_.document_root) return std::nullopt;
    return *state_.document_root + uri;
  }
  std::vector<std::string> saved = state_.captures;
  state_.captures = location_captures_;
  std::optional<std::string> base = Expand(alias->args[0], state_);
  state_.captures = std::move(saved);
  if (!base) return std::nullopt;
  if (base->empty() || (*base)[0] != '/') *base = config_.prefix + *base;
  LocationSpec spec = ParseLocation(*location_);
  if (spec.kind == LocationSpec::kRegex || spec.kind == LocationSpec::kRegexCaseless) return base;
  if (!uri.starts_with(spec.pattern)) return std::nullopt;
  return *base + uri.substr(spec.pattern.size());
}

void Evaluator::TryFiles(const Directive& d, const Directive* handler) {
  for (size_t i = 0; i + 1 < d.args.size(); ++i) {
    std::optional<std::string> candidate = Expand(d.args[i], state_);
    std::optional<std::string> path = candidate ? MapToFile(*candidate) : std::nullopt;
    if (!path) {
      Unknown(d, "try_files argument not evaluated");
      return;
    }
    bool dir = !d.args[i].empty() && d.args[i].back() == '/';  // as written, like nginx's test_dir
    if (dir ? state_.files->is_dir(*path) : state_.files->is_file(*path)) {
      state_.uri = *candidate;
      Handle(handler, &d);  // a directory goes through `index`
      return;
    }
  }
  const std::string& last = d.args.empty() ? std::string() : d.args.back();
  if (!last.empty() && last[0] == '=') {
    answer_ = Answer{};
    answer_.outcome = Outcome::kStatus;
    answer_.status = std::atoi(last.c_str() + 1);
    answer_.decider = &d;
    answer_.note = "try_files fallback at " + config_.Where(d);
    return;
  }
  if (!last.empty() && last[0] == '@') {
    const Directive* named = FindNamedLocation(*server_.directive, last);
    if (named == nullptr || ++cycles_ > 10) {
      Unknown(d, "named location " + last + " not found");
      return;
    }
    chain_ = {server_.directive, named};
    location_ = named;
    Flow flow = RunRewrites(named->children, true);
    if (flow == Flow::kDone) return;
    if (flow == Flow::kLast) {
      restart_ = true;
      return;
    }
    Content();
    return;
  }
  std::optional<std::string> target = Expand(last, state_);
  if (!target) {
    Unknown(d, "try_files fallback not evaluated");
    return;
  }
  state_.uri = target->substr(0, target->find('?'));
  restart_ = true;  // internal redirect: a new location search
}

// A URI ending in '/': the index module tries each `index` name (default index.html) and
// makes an internal redirect to the first that exists (a name starting with '/' always);
// with none, autoindex lists the directory, else 403 for an existing directory, 404 for a
// missing one.
void Evaluator::DirectoryIndex(const Directive* decider) {
  const Directive* index = Inherited("index");
  std::vector<std::string> names = index ? index->args : std::vector<std::string>{"index.html"};
  const Directive& where = decider ? *decider : location_ ? *location_ : *server_.directive;
  for (const std::string& name : names) {
    std::optional<std::string> expanded = Expand(name, state_);
    if (!expanded || expanded->empty()) {
      Unknown(index ? *index : where, "index name not evaluated");
      return;
    }
    std::string uri = (*expanded)[0] == '/' ? *expanded : state_.uri + *expanded;
    std::optional<std::string> path = MapToFile(uri);
    if ((*expanded)[0] == '/' || (path && state_.files->is_file(*path))) {
      state_.uri = uri;
      restart_ = true;  // internal redirect: a new location search
      return;
    }
  }
  std::optional<std::string> dir = MapToFile(state_.uri);
  answer_ = Answer{};
  answer_.outcome = Outcome::kStatus;
  answer_.decider = index ? index : &where;
  const Directive* autoindex = Inherited("autoindex");
  bool listing = autoindex && !autoindex->args.empty() && autoindex->args[0] == "on";
  bool exists = dir && state_.files->is_dir(*dir);
  answer_.status = !exists ? 404 : listing ? 200 : 403;
  answer_.denied = exists && !listing;
  answer_.note = !exists ? "no directory " + dir.value_or(state_.uri)
                 : listing ? "autoindex listing of " + *dir
                           : "directory index of " + *dir + " is forbidden";
}

void Evaluator::StaticFile(const Directive* decider) {
  if (!state_.uri.empty() && state_.uri.back() == '/') {
    DirectoryIndex(decider);
    return;
  }
  std::optional<std::string> path = MapToFile(state_.uri);
  if (!path) {
    Unknown(decider ? *decider : *server_.directive, "document root not evaluated");
    return;
  }
  answer_ = Answer{};
  answer_.outcome = Outcome::kFile;
  answer_.file = *path;
  bool aliased = location_ != nullptr && Local("alias") != nullptr;
  if (!aliased && state_.document_root) answer_.docroot = *state_.document_root;
  answer_.status = state_.files->is_file(*path) ? 200 : 404;
  answer_.decider = decider ? decider : location_ ? location_ : server_.directive;
  answer_.note = "static file " + *path;
}

FileView RealFiles() {
  FileView view;
  view.is_file = [](const std::string& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
  };
  view.is_dir = [](const std::string& p) {
    std::error_code ec;
    return std::filesystem::is_directory(p, ec);
  };
  return view;
}

std::string DescribeAnswer(const Config& config, const Answer& a) {
  std::string where = a.decider ? " (" + config.Where(*a.decider) + ")" : "";
  switch (a.outcome) {
    case Outcome::kFile:
      return std::to_string(a.status) + (a.status == 200 ? " from " : ", missing: ") + a.file +
             where;
    case Outcome::kUpstream:
      return "passed to the application: " + a.note;
    case Outcome::kRedirect:
      return std::to_string(a.status) + " -> " + a.location + where;
    case Outcome::kStatus:
      return std::to_string(a.status) + " from " + a.note;
    case Outcome::kNoResponse:
      return "connection closed without an answer (444)" + where;
    case Outcome::kUnknown:
      return "not predictable: " + a.note;
  }
  return "?";
}

}  // namespace dcv::nginx
