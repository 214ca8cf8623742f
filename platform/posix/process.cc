// The process runner on Boost.Process v2: starts a program from an argv vector (no shell
// ever sees it), feeds stdin, collects stdout and stderr concurrently on an Asio loop
// (so a chatty child cannot deadlock on a full pipe), and kills the child when the
// timeout expires. Children run with LC_ALL=C so that the output we parse is not
// translated.
#include "platform/process.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <boost/filesystem/path.hpp>
#include <unordered_map>

namespace dcv {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process::v2;

bp::filesystem::path FindExecutable(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  return bp::environment::find_executable(name);
}

// The parent's environment with LC_ALL=C added or replaced.
std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  for (const auto& kv : bp::environment::current()) {
    std::string entry = kv.string();
    if (entry.rfind("LC_ALL=", 0) == 0) continue;
    env.push_back(std::move(entry));
  }
  env.push_back("LC_ALL=C");
  return env;
}

void ReadAll(asio::readable_pipe& pipe, std::string& sink) {
  auto buffer = std::make_shared<std::array<char, 8192>>();
  pipe.async_read_some(asio::buffer(*buffer),
                       [&pipe, &sink, buffer](boost::system::error_code ec, std::size_t n) {
                         sink.append(buffer->data(), n);
                         if (!ec) ReadAll(pipe, sink);
                       });
}

}  // namespace

ProcessResult SystemProcessRunner::Run(const std::vector<std::string>& argv,
                                       const ProcessOptions& options) {
  ProcessResult result;
  if (argv.empty()) return result;
  const bp::filesystem::path exe = FindExecutable(argv[0]);
  if (exe.empty()) {
    result.err = argv[0] + ": command not found";
    return result;
  }
  asio::io_context ctx;
  asio::readable_pipe out_pipe(ctx), err_pipe(ctx);
  asio::writable_pipe in_pipe(ctx);
  boost::system::error_code ec;
  const std::vector<std::string> args(argv.begin() + 1, argv.end());
  bp::process child(ctx, exe, args, ec, bp::process_stdio{in_pipe, out_pipe, err_pipe},
                    bp::process_environment(ChildEnvironment()));
  if (ec) {
    result.err = argv[0] + ": " + ec.message();
    return result;
  }
  result.started = true;
  spdlog::debug("run: {}", FormatArgv(argv));

  asio::async_write(in_pipe, asio::buffer(options.stdin_data),
                    [&in_pipe](boost::system::error_code, std::size_t) { in_pipe.close(); });
  ReadAll(out_pipe, result.out);
  ReadAll(err_pipe, result.err);
  asio::steady_timer timer(ctx, options.timeout);
  timer.async_wait([&](boost::system::error_code timer_ec) {
    if (timer_ec) return;
    result.timed_out = true;
    boost::system::error_code kill_ec;
    child.terminate(kill_ec);
  });
  child.async_wait([&](boost::system::error_code wait_ec, int status) {
    timer.cancel();
    if (!wait_ec) result.exit_status = status;
  });
  ctx.run();
  if (result.timed_out) result.exit_status = -1;
  return result;
}

std::string FormatArgv(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& arg : argv) {
    if (!text.empty()) text += ' ';
    const bool plain = !arg.empty() && arg.find_first_not_of(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./=:,+@%") ==
        std::string::npos;
    if (plain) {
      text += arg;
      continue;
    }
    text += '\'';
    for (char c : arg) text += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    text += '\'';
  }
  return text;
}

}  // namespace dcv
