// The scripted test server: one coroutine per connection, one request per connection,
// responses looked up by path (query ignored) under a mutex so tests may change the
// script and read the counters while it runs.
#include "script_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace dcv::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

}  // namespace

class ScriptServer::Connection {
 public:
  static asio::awaitable<void> Accept(ScriptServer& server) {
    for (;;) {
      auto [error, socket] =
          co_await server.acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (error) co_return;
      asio::co_spawn(server.io_, Serve(server, std::move(socket)), asio::detached);
    }
  }

 private:
  static asio::awaitable<void> Serve(ScriptServer& server, tcp::socket socket) {
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    auto [read_error, bytes] = co_await http::async_read(socket, buffer, request,
                                                         asio::as_tuple(asio::use_awaitable));
    if (read_error) co_return;
    std::map<std::string, std::string> headers;
    for (const auto& field : request) {
      headers[std::string(field.name_string())] = std::string(field.value());
    }
    std::string target(request.target());
    ScriptedResponse script = server.Lookup(target.substr(0, target.find('?')), headers);
    if (script.delay.count() > 0) {
      asio::steady_timer timer(server.io_, script.delay);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    http::response<http::string_body> response{static_cast<http::status>(script.status), 11};
    if (!script.location.empty()) response.set(http::field::location, script.location);
    response.keep_alive(false);
    response.body() = script.body;
    response.prepare_payload();
    co_await http::async_write(socket, response, asio::as_tuple(asio::use_awaitable));
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
  }
};

ScriptServer::ScriptServer(const std::string& address)
    : host_(address.find(':') != std::string::npos ? "[" + address + "]" : address),
      acceptor_(io_, tcp::endpoint(asio::ip::make_address(address), 0)) {
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, Connection::Accept(*this), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

ScriptServer::~ScriptServer() {
  io_.stop();
  thread_.join();
}

std::string ScriptServer::Url(const std::string& path) const {
  return "http://" + host_ + ":" + std::to_string(port_) + path;
}

void ScriptServer::Set(const std::string& path, ScriptedResponse response) {
  std::lock_guard lock(mutex_);
  responses_[path] = std::move(response);
}

ScriptedResponse ScriptServer::Lookup(const std::string& path,
                                      const std::map<std::string, std::string>& headers) {
  std::lock_guard lock(mutex_);
  ++requests_[path];
  last_headers_ = headers;
  auto it = responses_.find(path);
  return it != responses_.end() ? it->second : ScriptedResponse{404, "not found", "", {}};
}

int ScriptServer::Requests(const std::string& path) const {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(path);
  return it == requests_.end() ? 0 : it->second;
}

int ScriptServer::TotalRequests() const {
  std::lock_guard lock(mutex_);
  int total = 0;
  for (const auto& [path, count] : requests_) total += count;
  return total;
}

std::string ScriptServer::LastHeader(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = last_headers_.find(name);
  return it == last_headers_.end() ? "" : it->second;
}

unsigned short ClosedPort(const std::string& address) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address(address), 0));
  return acceptor.local_endpoint().port();  // closed when `acceptor` goes out of scope
}

}  // namespace dcv::testing
