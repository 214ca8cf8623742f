// A UDP relay that adds a fixed delay in front of one DNS server: the benchmark's stand-in
// for network distance, because this machine's kernel has no netem. Each relay listens on
// 127.0.0.1 (an ephemeral port), holds every query for its delay, forwards it to the real
// server and returns the answer. Not part of the agent.
#pragma once

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "agent/dns/dns_exchange.h"

namespace dcv::bench {

class DelayRelays {
 public:
  /// One relay per server, with delays[i] in front of servers[i]; runs on its own thread.
  DelayRelays(const std::vector<DnsServer>& servers, const std::vector<std::chrono::milliseconds>& delays);
  ~DelayRelays();
  /// Where to send queries instead of servers[i].
  const std::vector<DnsServer>& fronts() const { return fronts_; }

 private:
  boost::asio::io_context io_;
  std::vector<DnsServer> fronts_;
  std::thread thread_;
};

}  // namespace dcv::bench
