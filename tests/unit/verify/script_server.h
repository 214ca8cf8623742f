// A scripted HTTP/1.1 server for the verifier tests: binds a loopback address on an
// ephemeral port, answers each path with a fixed response (status, Location, body,
// delay), and records what it was asked. Runs on its own thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace dcv::testing {

struct ScriptedResponse {
  int status = 200;
  std::string body;
  std::string location;  // sent as Location when non-empty
  std::chrono::milliseconds delay{0};
};

class ScriptServer {
 public:
  /// Binds `address` (e.g. "127.0.0.1", "::1") on an ephemeral port and starts serving.
  explicit ScriptServer(const std::string& address = "127.0.0.1");
  ~ScriptServer();

  unsigned short port() const { return port_; }
  /// "http://127.0.0.1:PORT" + path, or "http://[::1]:PORT" + path.
  std::string Url(const std::string& path) const;

  /// Answers `path` with `response` from now on; unknown paths get 404.
  void Set(const std::string& path, ScriptedResponse response);

  /// Requests received, for one path or in total.
  int Requests(const std::string& path) const;
  int TotalRequests() const;
  /// A header of the most recent request ("" if never seen).
  std::string LastHeader(const std::string& name) const;

 private:
  class Connection;
  ScriptedResponse Lookup(const std::string& path, const std::map<std::string, std::string>& headers);

  std::string host_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, ScriptedResponse> responses_;
  std::map<std::string, int> requests_;
  std::map<std::string, std::string> last_headers_;
  std::thread thread_;
};

/// A port on `address` that nothing listens on (bound, then closed).
unsigned short ClosedPort(const std::string& address = "127.0.0.1");

}  // namespace dcv::testing
