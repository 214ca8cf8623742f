// The request the CA sends and the file-system view a prediction runs against, shared by
// the rewrite engine and the request predictor. The view is injected so that predictions
// can ask "what if the validation file were there" and tests need no real web root.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace dcv::apache {

/// The request as the CA sends it.
struct Request {
  std::string scheme = "http";  // "http" | "https"
  std::string host;             // Host header (and SNI)
  int port = 80;
  std::string uri;  // "/.well-known/pki-validation/token" (no query string)
};

/// What the file system holds.
struct FileView {
  std::function<bool(const std::string&)> is_file;
  std::function<bool(const std::string&)> is_dir;
  /// The content of a file (for .htaccess), nullopt when absent or unreadable.
  std::function<std::optional<std::string>(const std::string&)> read;
};

/// The real file system.
FileView RealFiles();

}  // namespace dcv::apache
