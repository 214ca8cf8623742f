// DelayRelays: one coroutine per relay socket. Each query is handled in its own coroutine
// (wait the delay, ask the real server from a fresh socket, answer the client), so queries
// to one relay overlap just as they would on a real network path.
#include "bench/dns_delay_relay.h"

#include <array>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace dcv::bench {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

asio::awaitable<void> Forward(std::shared_ptr<udp::socket> front, udp::endpoint client, std::vector<std::uint8_t> query,
                              udp::endpoint server, std::chrono::milliseconds delay) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, delay);
  co_await timer.async_wait(asio::use_awaitable);
  udp::socket upstream(executor, udp::endpoint(server.protocol(), 0));
  co_await upstream.async_send_to(asio::buffer(query), server, asio::use_awaitable);
  std::array<std::uint8_t, 65535> answer{};
  udp::endpoint from;
  const std::size_t n = co_await upstream.async_receive_from(asio::buffer(answer), from, asio::use_awaitable);
  co_await front->async_send_to(asio::buffer(answer.data(), n), client, asio::use_awaitable);
}

asio::awaitable<void> Serve(std::shared_ptr<udp::socket> front, udp::endpoint server, std::chrono::milliseconds delay) {
  std::array<std::uint8_t, 65535> buffer{};
  for (;;) {
    udp::endpoint client;
    const std::size_t n = co_await front->async_receive_from(asio::buffer(buffer), client, asio::use_awaitable);
    asio::co_spawn(front->get_executor(),
                   Forward(front, client, {buffer.begin(), buffer.begin() + static_cast<long>(n)}, server, delay),
                   asio::detached);
  }
}

}  // namespace

DelayRelays::DelayRelays(const std::vector<DnsServer>& servers, const std::vector<std::chrono::milliseconds>& delays) {
  for (std::size_t i = 0; i < servers.size(); ++i) {
    auto front = std::make_shared<udp::socket>(io_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    fronts_.push_back({servers[i].name, front->local_endpoint().address(), front->local_endpoint().port()});
    asio::co_spawn(io_, Serve(front, udp::endpoint(servers[i].address, servers[i].port), delays[i]), asio::detached);
  }
  thread_ = std::thread([this] { io_.run(); });
}

DelayRelays::~DelayRelays() {
  io_.stop();
  thread_.join();
}

}  // namespace dcv::bench
