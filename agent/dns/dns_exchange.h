// Sending DNS queries to many servers at once: one Asio coroutine per (server, query),
// UDP with a per-try timeout and retry, TCP when the UDP answer is truncated (or always,
// for updates), all under one overall deadline. Nothing blocks on a single server.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>

namespace dcv {

struct DnsServer {
  std::string name;                  // "ns1.example.test." (for evidence); may be empty
  boost::asio::ip::address address;
  std::uint16_t port = 53;

  std::string Label() const;         // "ns1.example.test. (10.98.0.11)"
};

struct DnsRequest {
  DnsServer server;
  std::vector<std::uint8_t> query;   // wire format; its id is checked against the answer
};

struct DnsExchange {
  DnsServer server;
  std::vector<std::uint8_t> response;  // empty when nothing usable came back
  bool timed_out = false;
  bool truncated_udp = false;          // the UDP answer had TC=1 ...
  bool used_tcp = false;               // ... so the answer is the TCP one
  std::chrono::milliseconds rtt{0};    // of the exchange that produced `response`
  std::string error;                   // network error text ("Network is unreachable")

  bool answered() const { return !response.empty(); }
};

struct ExchangeOptions {
  std::chrono::milliseconds try_timeout{1500};
  int udp_tries = 2;
  std::chrono::milliseconds deadline{8000};  // for the whole batch
  bool tcp_only = false;                     // RFC 2136 updates go over TCP
};

/// Runs every request concurrently; the result has one entry per request, in order.
/// `enough`, when given, is asked after each answer; returning true ends the batch early
/// (the unfinished entries are left with timed_out = false and no response).
std::vector<DnsExchange> ExchangeAll(const std::vector<DnsRequest>& requests, const ExchangeOptions& options,
                                     const std::function<bool(const DnsExchange&)>& enough = {});

/// A fresh random message id.
std::uint16_t NewMessageId();

}  // namespace dcv
