// `dcv-agent probe serve`: a small HTTP/1.1 service (Boost.Asio coroutines + Beast) with
// one endpoint, POST /v1/fetch. Each connection carries one request (Connection: close),
// read with a deadline and a body limit; ProbeRequestHandler decides admission, and an
// admitted job runs FetchAll on a thread pool of max_concurrent threads so the I/O
// thread never blocks. More jobs than that at once are answered 503 rather than queued:
// a caller that gets "busy" retries, a queue would only turn into timeouts. Connections
// beyond max_connections are closed unread (a flood costs no memory), targets are
// dialled only at public addresses unless allow_private, and a probe started as root
// becomes run_as_user once its socket is bound.
#include "agent/verify/probe_server.h"

#include <unistd.h>

#include <charconv>
#include <csignal>
#include <iostream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "agent/verify/probe_address.h"
#include "agent/verify/probe_privileges.h"
#include "agent/verify/verifier.h"

namespace dcv {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kReadTimeout = std::chrono::seconds(10);
constexpr auto kWriteTimeout = std::chrono::seconds(10);

spdlog::logger& Log() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto created = spdlog::stderr_color_mt("probe");
    created->set_level(spdlog::default_logger()->level());
    return created;
  }();
  return *logger;
}

// A named coroutine, not a capturing lambda: GCC 12 destroys a lambda coroutine's
// captures twice when co_spawn owns the lambda (found by AddressSanitizer).
asio::awaitable<std::vector<CheckResult>> RunJob(ProbeJob job) {
  co_return FetchAll(job.specs, job.rules,
                     job.allow_private ? nullptr : &RefuseNonPublicSockaddr);
}

}  // namespace

// One connection: read a request, answer it, close.
class ProbeServer::Session {
 public:
  static asio::awaitable<void> AcceptLoop(ProbeServer& server) {
    for (;;) {
      auto [error, socket] =
          co_await server.acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (error == asio::error::operation_aborted) co_return;
      if (error) continue;
      if (server.open_sessions_ >= server.options_.max_connections) {
        boost::system::error_code ignored;
        socket.close(ignored);  // over the limit: dropped before anything is read
        continue;
      }
      ++server.open_sessions_;
      asio::co_spawn(server.io_, Serve(server, std::move(socket)),
                     [&server](std::exception_ptr) { --server.open_sessions_; });
    }
  }

 private:
  static asio::awaitable<void> Serve(ProbeServer& server, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(server.options_.max_request_bytes);
    stream.expires_after(kReadTimeout);
    auto [read_error, bytes] = co_await http::async_read(stream, buffer, parser,
                                                         asio::as_tuple(asio::use_awaitable));
    ProbeReply reply;
    if (read_error == http::error::body_limit) {
      reply = ProbeRequestHandler::ErrorReply(413, "request body over " +
                                                       std::to_string(
                                                           server.options_.max_request_bytes) +
                                                       " bytes");
    } else if (read_error) {
      co_return;
    } else {
      reply = co_await Answer(server, parser.release());
    }
    http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
    response.set(http::field::content_type, "application/json");
    if (!reply.signature.empty()) response.set(kSignatureHeader, reply.signature);
    response.keep_alive(false);
    response.body() = std::move(reply.body);
    response.prepare_payload();
    stream.expires_after(kWriteTimeout);
    co_await http::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  static asio::awaitable<ProbeReply> Answer(ProbeServer& server,
                                            http::request<http::string_body> message) {
    ProbeRequest request{std::string(message.method_string()), std::string(message.target()),
                         std::move(message.body()),
                         {std::string(message[kTimestampHeader]),
                          std::string(message[kNonceHeader]),
                          std::string(message[kSignatureHeader])}};
    ProbeReply reply = co_await Admitted(server, request);
    server.handler_.Sign(reply, request);
    co_return reply;
  }

  // The first refusals in full, then one line per thousand: a flood must not flood the log.
  static void LogRefusal(ProbeServer& server, const ProbeRequest& request,
                         const ProbeReply& refusal) {
    std::uint64_t count = ++server.refusals_;
    if (count <= 20) {
      Log().warn("refused {} {}: {} {}", request.method, request.target, refusal.status,
                 refusal.body);
    } else if (count % 1000 == 0) {
      Log().warn("{} requests refused so far (latest: {} {})", count, refusal.status,
                 refusal.body);
    }
  }

  static asio::awaitable<ProbeReply> Admitted(ProbeServer& server, const ProbeRequest& request) {
    auto admitted = server.handler_.Admit(request, UnixNow());
    if (auto* refusal = std::get_if<ProbeReply>(&admitted)) {
      LogRefusal(server, request, *refusal);
      co_return *refusal;
    }
    ProbeJob job = std::get<ProbeJob>(std::move(admitted));
    if (server.in_flight_.fetch_add(1) >= server.options_.max_concurrent) {
      --server.in_flight_;
      co_return ProbeRequestHandler::ErrorReply(503, "busy: too many requests at once");
    }
    Log().info("fetching {} URL(s)", job.specs.size());
    std::vector<CheckResult> results =
        co_await asio::co_spawn(server.fetch_pool_, RunJob(std::move(job)), asio::use_awaitable);
    --server.in_flight_;
    co_return ProbeRequestHandler::ResultsReply(results);
  }
};

Result<tcp::endpoint> ParseListenAddress(const std::string& listen) {
  std::size_t colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? "" : listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned short port = 0;
  const char* port_begin = listen.data() + colon + 1;
  const char* port_end = listen.data() + listen.size();
  auto [end, parse_error] = std::from_chars(port_begin, port_end, port);
  boost::system::error_code address_error;
  asio::ip::address address = asio::ip::make_address(host, address_error);
  if (colon == std::string::npos || port_begin == port_end || end != port_end ||
      parse_error != std::errc() || address_error) {
    return MakeError("invalid listen address \"" + listen +
                     "\" (expected ADDR:PORT or [IPV6]:PORT)");
  }
  return tcp::endpoint(address, port);
}

ProbeServer::ProbeServer(const ProbeServeOptions& options)
    : options_(options),
      acceptor_(io_),
      handler_(options),
      fetch_pool_(static_cast<std::size_t>(std::max(1, options.max_concurrent))) {}

ProbeServer::~ProbeServer() { fetch_pool_.join(); }

Result<std::unique_ptr<ProbeServer>> ProbeServer::Start(const ProbeServeOptions& options) {
  Result<tcp::endpoint> endpoint = ParseListenAddress(options.listen);
  if (!endpoint) return endpoint.error();
  std::unique_ptr<ProbeServer> server(new ProbeServer(options));
  boost::system::error_code error;
  tcp::acceptor& acceptor = server->acceptor_;
  acceptor.open(endpoint->protocol(), error);
  if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor.bind(*endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return MakeError("cannot listen on " + options.listen + ": " + error.message());
  asio::co_spawn(server->io_, Session::AcceptLoop(*server), asio::detached);
  return server;
}

std::string ProbeServer::endpoint() const {
  tcp::endpoint local = acceptor_.local_endpoint();
  std::string address = local.address().to_string();
  if (local.address().is_v6()) address = "[" + address + "]";
  return address + ":" + std::to_string(local.port());
}

unsigned short ProbeServer::port() const { return acceptor_.local_endpoint().port(); }

void ProbeServer::Run() { io_.run(); }

void ProbeServer::Stop() {
  asio::post(io_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    io_.stop();
  });
}

Result<void> ServeProbe(const ProbeServeOptions& options) {
  Result<std::unique_ptr<ProbeServer>> server = ProbeServer::Start(options);
  if (!server) return server.error();
  if (::geteuid() == 0 && !options.run_as_user.empty()) {
    if (Result<void> dropped = DropPrivileges(options.run_as_user); !dropped) {
      return dropped.error();
    }
    Log().info("running as user {}", options.run_as_user);
  }
  asio::signal_set signals((*server)->io(), SIGINT, SIGTERM);
  signals.async_wait([&server](const boost::system::error_code& error, int signal) {
    if (error) return;
    Log().info("signal {}: stopping", signal);
    (*server)->Stop();
  });
  Log().info("probe listening on {}{}{}", (*server)->endpoint(),
             options.key.empty() ? " (no key: requests are not authenticated)" : "",
             options.allow_private ? " (--allow-private: non-public targets are fetched)" : "");
  std::cout << "listening on " << (*server)->endpoint() << std::endl;
  (*server)->Run();
  return {};
}

}  // namespace dcv
