// lighttpd's configuration as lighttpd itself parsed it: the text `lighttpd -p -f FILE`
// prints (includes and include_shell expanded, `+=` merged), read into a tree of
// settings and conditional blocks, and the settings that apply to one request, merged
// the way lighttpd merges them: in file order, a later matching block overriding.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dcv::lighttpd {

/// A value: a plain word or string, or a list (of strings, or of "key" => "value" pairs).
struct Value {
  std::string text;  // unquoted scalar
  std::vector<std::pair<std::string, std::string>>
      pairs;  // ( "a" => "b", ... ); for a plain list, first only
  bool list = false;
};

struct Block;

/// One line of a block: a setting, or a nested conditional block.
struct Item {
  std::string key;  // empty for a block
  Value value;
  std::vector<Block> block;  // one element for a block
};

struct Block {
  std::string field;  // "HTTP[\"host\"]" as `HTTP`/`host`: field "HTTP", name "host"
  std::string name;
  std::string op;  // ==, !=, =~, !~, =^, =$
  std::string pattern;
  bool is_else = false;  // `else $...`: only when the previous block did not match
  std::string header;    // the condition as printed, for evidence
  std::vector<Item> items;
};

/// Parses `lighttpd -p` output (the `config { ... }` root).
Block ParseDump(const std::string& text);

struct Request {
  bool https = false;
  std::string host;
  int port = 80;
  std::string path;
};

/// The merged settings for a request, and the captures of the last regex condition that
/// matched (lighttpd's %0..%9).
struct Effective {
  std::map<std::string, Value> settings;
  std::map<std::string, std::string> origin;  // key -> the condition that set it ("" top level)
  std::vector<std::string> captures;
  std::vector<std::string> unsupported;  // conditions the walk could not evaluate
};
Effective Evaluate(const Block& root, const Request& request);

/// The ports lighttpd listens on: server.port and every $SERVER["socket"] block.
std::vector<int> ListenPorts(const Block& root);

}  // namespace dcv::lighttpd
