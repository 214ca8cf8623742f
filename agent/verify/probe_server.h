// The probe service as an object, for `probe serve` and for tests: it binds at Start
// (so the caller learns the port, including an ephemeral one), serves on Run, and stops
// on Stop from any thread. ServeProbe (probe.h) wraps it with signal handling.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "agent/core/result.h"
#include "agent/verify/probe.h"
#include "agent/verify/probe_handler.h"

namespace dcv {

class ProbeServer {
 public:
  /// Parses options.listen ("ADDR:PORT", "[V6]:PORT"; port 0 picks one) and binds it.
  static Result<std::unique_ptr<ProbeServer>> Start(const ProbeServeOptions& options);
  ~ProbeServer();

  /// The bound address as "ADDR:PORT" or "[V6]:PORT".
  std::string endpoint() const;
  unsigned short port() const;

  /// The I/O context Run drives (for adding a signal_set).
  boost::asio::io_context& io() { return io_; }

  /// Serves until Stop; call from one thread.
  void Run();
  /// Stops accepting and ends Run; requests in progress are dropped. Thread-safe.
  void Stop();

 private:
  explicit ProbeServer(const ProbeServeOptions& options);
  class Session;

  ProbeServeOptions options_;
  boost::asio::io_context io_;  // declared first: outlives the pool and the acceptor
  boost::asio::ip::tcp::acceptor acceptor_;
  ProbeRequestHandler handler_;
  boost::asio::thread_pool fetch_pool_;
  std::atomic<int> in_flight_{0};
  std::size_t open_sessions_ = 0;  // touched on the I/O thread only
  std::uint64_t refusals_ = 0;     // likewise
};

/// Splits "ADDR:PORT" / "[V6]:PORT" into an endpoint; an Error naming the text if bad.
Result<boost::asio::ip::tcp::endpoint> ParseListenAddress(const std::string& listen);

}  // namespace dcv
