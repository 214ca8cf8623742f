// The transport under every check: C++20 coroutines on one io_context, so hundreds of
// servers cost one thread. UDP sockets are connected (an ICMP unreachable shows up as an
// error at once instead of a timeout) and answers whose id does not match are ignored.
// A truncated UDP answer is retried over TCP with the 2-byte length framing of RFC 1035.
#include "agent/dns/dns_exchange.h"

#include <array>
#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace dcv {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

namespace {

std::uint16_t IdOf(const std::vector<std::uint8_t>& wire) {
  return wire.size() < 2 ? 0 : static_cast<std::uint16_t>(wire[0] << 8 | wire[1]);
}

bool Truncated(const std::vector<std::uint8_t>& wire) { return wire.size() > 2 && (wire[2] & 0x02) != 0; }

// Waits for `op` or the timer, whichever comes first; false on timeout.
template <class Op>
asio::awaitable<bool> WithTimeout(Op op, std::chrono::milliseconds timeout) {
  asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
  auto outcome = co_await (std::move(op) || timer.async_wait(asio::use_awaitable));
  co_return outcome.index() == 0;
}

// One UDP try: send, then read datagrams until one carries our id or the time is up.
asio::awaitable<bool> UdpTry(const DnsRequest& request, std::chrono::milliseconds timeout, DnsExchange& out) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::udp::socket socket(executor);
  boost::system::error_code ec;
  const asio::ip::udp::endpoint endpoint(request.server.address, request.server.port);
  socket.open(endpoint.protocol(), ec);
  if (!ec) socket.connect(endpoint, ec);
  if (ec) { out.error = ec.message(); co_return false; }
  const auto start = Clock::now();
  auto exchange = [&]() -> asio::awaitable<void> {
    co_await socket.async_send(asio::buffer(request.query), asio::redirect_error(asio::use_awaitable, ec));
    std::vector<std::uint8_t> buffer(65535);
    while (!ec) {
      const std::size_t n = co_await socket.async_receive(asio::buffer(buffer),
                                                          asio::redirect_error(asio::use_awaitable, ec));
      if (!ec && n >= 12 && IdOf(buffer) == IdOf(request.query)) {
        out.response.assign(buffer.begin(), buffer.begin() + static_cast<long>(n));
        co_return;
      }
    }
  };
  const bool finished = co_await WithTimeout(exchange(), timeout);
  out.rtt = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  if (!finished) { out.timed_out = true; co_return false; }
  if (ec) { out.error = ec.message(); co_return false; }
  out.timed_out = false;
  co_return true;
}

asio::awaitable<bool> TcpTry(const DnsRequest& request, std::chrono::milliseconds timeout, DnsExchange& out) {
  asio::ip::tcp::socket socket(co_await asio::this_coro::executor);
  boost::system::error_code ec;
  const auto start = Clock::now();
  auto exchange = [&]() -> asio::awaitable<void> {
    auto use = asio::redirect_error(asio::use_awaitable, ec);
    co_await socket.async_connect({request.server.address, request.server.port}, use);
    if (ec) co_return;
    const std::size_t size = request.query.size();
    const std::array<std::uint8_t, 2> prefix{static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size)};
    co_await asio::async_write(socket, std::array{asio::buffer(prefix), asio::buffer(request.query)}, use);
    std::array<std::uint8_t, 2> length{};
    if (!ec) co_await asio::async_read(socket, asio::buffer(length), use);
    std::vector<std::uint8_t> body(static_cast<std::size_t>(length[0] << 8 | length[1]));
    if (!ec) co_await asio::async_read(socket, asio::buffer(body), use);
    if (!ec && IdOf(body) == IdOf(request.query)) out.response = std::move(body);
    else if (!ec) ec = asio::error::invalid_argument;
  };
  const bool finished = co_await WithTimeout(exchange(), timeout);
  out.rtt = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  out.used_tcp = true;
  if (!finished) { out.timed_out = true; co_return false; }
  if (ec) { out.error = "tcp: " + ec.message(); co_return false; }
  out.timed_out = false;
  co_return true;
}

asio::awaitable<void> RunOne(const DnsRequest& request, const ExchangeOptions& options, DnsExchange& out) {
  out.server = request.server;
  if (!options.tcp_only) {
    for (int attempt = 0; attempt < options.udp_tries; ++attempt) {
      out.error.clear();
      if (co_await UdpTry(request, options.try_timeout, out)) break;
      if (!out.timed_out) co_return;  // a hard network error: retrying will not help
    }
    if (!out.answered() || !Truncated(out.response)) co_return;
    out.truncated_udp = true;
    out.response.clear();
  }
  co_await TcpTry(request, options.try_timeout, out);
}

// What the coroutines of one batch share (owned by ExchangeAll, outlives them all).
struct Batch {
  std::size_t pending;
  const std::function<bool(const DnsExchange&)>& enough;
  asio::io_context io{1};
};

asio::awaitable<void> RunCounted(const DnsRequest& request, const ExchangeOptions& options, DnsExchange& out,
                                 Batch& batch) {
  co_await RunOne(request, options, out);
  --batch.pending;
  if (batch.pending == 0 || (batch.enough && out.answered() && batch.enough(out))) batch.io.stop();
}

}  // namespace

std::string DnsServer::Label() const {
  const std::string where = address.to_string() + (port == 53 ? "" : "#" + std::to_string(port));
  return name.empty() ? where : name + " (" + where + ")";
}

std::vector<DnsExchange> ExchangeAll(const std::vector<DnsRequest>& requests, const ExchangeOptions& options,
                                     const std::function<bool(const DnsExchange&)>& enough) {
  std::vector<DnsExchange> results(requests.size());
  Batch batch{requests.size(), enough};
  for (std::size_t i = 0; i < requests.size(); ++i) {
    results[i].server = requests[i].server;
    asio::co_spawn(batch.io, RunCounted(requests[i], options, results[i], batch), asio::detached);
  }
  if (!requests.empty()) batch.io.run_for(options.deadline);
  const bool ended_early = batch.io.stopped() && batch.pending > 0;
  for (DnsExchange& result : results) {
    if (!ended_early && !result.answered() && result.error.empty()) result.timed_out = true;
  }
  return results;
}

std::uint16_t NewMessageId() {
  static std::mt19937 generator{std::random_device{}()};
  return static_cast<std::uint16_t>(std::uniform_int_distribution<int>(0, 0xffff)(generator));
}

}  // namespace dcv
