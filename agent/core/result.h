// Result<T>: a value or an Error saying why we could not find out or could not do it.
// A failed check is not an Error (it is a Finding); an Error means the agent itself
// could not complete an operation (a command did not run, a file was unreadable).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include <boost/system/result.hpp>

namespace dcv {

/// Built only by MakeError: an Error that a std::string could construct would make
/// Result<std::string> ambiguous (C++20 aggregates are constructible from parentheses).
class Error {
 public:
  Error() = default;  // result<T, E>::error() needs it
  std::string message;

 private:
  struct Tag {};
  Error(Tag, std::string text) : message(std::move(text)) {}
  friend Error MakeError(std::string message);
};

// boost::system::result calls this (found by ADL) when value() is taken from an error.
[[noreturn]] inline void throw_exception_from_error(const Error& e,
                                                    const boost::source_location&) {
  throw std::runtime_error(e.message);
}

template <class T>
using Result = boost::system::result<T, Error>;

inline Error MakeError(std::string message) { return Error(Error::Tag{}, std::move(message)); }

}  // namespace dcv
