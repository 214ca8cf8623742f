// Three-valued evaluation of nft JSON expressions against the CA's packet class: a new
// TCP SYN, IPv4 or IPv6, from an arbitrary outside address, to a given port, arriving on
// a given non-loopback interface. Each match's left side is resolved to what the packet
// holds there (a port, a protocol, an interface name, an address nobody can predict);
// the right side (value, set, range, prefix, named set) is then tested against it.
// Whatever we do not model is kMaybe with a reason, so callers never guess "accepted".
#include "remediators/firewall/nftables/nft_match.h"

#include <algorithm>
#include <set>

namespace dcv {
namespace {

using nlohmann::json;

// What the packet holds in the field a match reads.
struct Field {
  enum Kind { kNumber, kIface, kAddress, kFlags, kAbsent, kUnknown } kind = kUnknown;
  long number = -1;                // kNumber
  std::vector<std::string> names;  // kNumber aliases ("tcp"), kIface name, kFlags set
  Cidr source;                     // kAddress
};

Field Number(long n, std::vector<std::string> names) { return {Field::kNumber, n, std::move(names), {}}; }
Field Only(Field::Kind kind) { return {kind, -1, {}, {}}; }

// `obj[key]`, or null when obj is not an object or has no such key; never copies.
const json& Member(const json& obj, const char* key) {
  static const json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

std::string Brief(const json& j) {
  std::string s = j.dump();
  return s.size() > 120 ? s.substr(0, 117) + "..." : s;
}

Field PayloadField(const json& p, const NftPacket& pkt) {
  const std::string proto = p.value("protocol", "");
  const std::string field = p.value("field", "");
  if (proto == "tcp" || proto == "th") {
    if (field == "dport") return Number(pkt.dport, {});
    if (field == "flags") return {Field::kFlags, -1, {"syn"}, {}};
    return {};
  }
  if (proto == "ip" || proto == "ip6") {
    if ((proto == "ip") != (pkt.ip_version == 4)) return Only(Field::kAbsent);
    if (field == "saddr") return {Field::kAddress, -1, {}, pkt.source};
    if (field == "protocol" || field == "nexthdr") return Number(6, {"tcp"});
    return {};
  }
  if (proto == "udp" || proto == "sctp" || proto == "dccp" || proto == "udplite" ||
      proto == "icmp" || proto == "icmpv6" || proto == "ah" || proto == "esp" ||
      proto == "arp") {
    return Only(Field::kAbsent);  // nft adds the protocol dependency: a TCP packet never matches
  }
  return {};
}

Field MetaField(const std::string& key, const NftPacket& pkt) {
  const bool v4 = pkt.ip_version == 4;
  if (key == "l4proto") return Number(6, {"tcp"});
  if (key == "nfproto") return v4 ? Number(2, {"ipv4"}) : Number(10, {"ipv6"});
  if (key == "protocol") return v4 ? Number(0x0800, {"ip"}) : Number(0x86dd, {"ip6"});
  if (key == "pkttype") return Number(0, {"host"});
  if (key == "iif" || key == "iifname") return {Field::kIface, -1, {pkt.iface}, {}};
  return {};
}

// Resolves a match's left side. kAbsent means the packet cannot have that header.
Field ResolveLeft(const json& left, const NftPacket& pkt) {
  if (!left.is_object() || left.empty()) return {};
  const std::string& kind = left.begin().key();
  const json& body = left.begin().value();
  if (kind == "payload" && body.is_object()) return PayloadField(body, pkt);
  if (kind == "meta" && body.is_object()) return MetaField(body.value("key", ""), pkt);
  if (kind == "ct" && body.is_object() && body.value("key", "") == "state") {
    return Number(8, {"new"});
  }
  return {};
}

Tri Not(Tri t) { return t == Tri::kYes ? Tri::kNo : t == Tri::kNo ? Tri::kYes : Tri::kMaybe; }

Tri Any(Tri a, Tri b) {
  if (a == Tri::kYes || b == Tri::kYes) return Tri::kYes;
  return a == Tri::kMaybe || b == Tri::kMaybe ? Tri::kMaybe : Tri::kNo;
}

bool GlobMatch(const std::string& pattern, const std::string& name) {
  if (!pattern.empty() && pattern.back() == '*') {
    return name.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  }
  return pattern == name;
}

Tri IfaceMatches(const std::string& pattern, const std::string& iface) {
  if (iface.empty()) {  // an interface we do not know: only "lo" is certainly not it
    return GlobMatch(pattern, "lo") && pattern.find('*') == std::string::npos ? Tri::kNo
                                                                             : Tri::kMaybe;
  }
  return GlobMatch(pattern, iface) ? Tri::kYes : Tri::kNo;
}

// Is the sender's network inside the element (an address, a prefix or a range)?
Tri AddressMatches(const json& e, const Cidr& source) {
  std::string text;
  if (e.is_string()) text = e.get<std::string>();
  if (e.is_object() && e.contains("prefix") && e["prefix"].value("addr", json()).is_string()) {
    text = e["prefix"]["addr"].get<std::string>() + "/" + std::to_string(e["prefix"].value("len", -1));
  }
  if (e.is_object() && e.contains("range")) return source.IsAny() ? Tri::kNo : Tri::kMaybe;
  Result<Cidr> network = ParseCidr(text);
  if (!network) return Tri::kMaybe;
  switch (RelateSource(source, *network)) {
    case CidrRelation::kInside: return Tri::kYes;
    case CidrRelation::kDisjoint: return Tri::kNo;
    default: return Tri::kMaybe;
  }
}

bool NameIs(const Field& f, const std::string& s) {
  return std::find(f.names.begin(), f.names.end(), s) != f.names.end();
}

// Does the single set element `e` contain the packet's value?
Tri ElementMatches(const json& e, const Field& f) {
  if (e.is_object() && e.contains("elem")) return ElementMatches(Member(e["elem"], "val"), f);
  switch (f.kind) {
    case Field::kNumber:
      if (e.is_number_integer()) return e.get<long>() == f.number ? Tri::kYes : Tri::kNo;
      if (e.is_string()) return NameIs(f, e.get<std::string>()) ? Tri::kYes : Tri::kNo;
      if (e.is_object() && e.contains("range") && e["range"].size() == 2 &&
          e["range"][0].is_number_integer() && e["range"][1].is_number_integer()) {
        return e["range"][0].get<long>() <= f.number && f.number <= e["range"][1].get<long>()
                   ? Tri::kYes : Tri::kNo;
      }
      return Tri::kMaybe;
    case Field::kIface:
      return e.is_string() ? IfaceMatches(e.get<std::string>(), f.names[0]) : Tri::kMaybe;
    case Field::kAddress:
      return AddressMatches(e, f.source);
    default:
      return Tri::kMaybe;
  }
}

Tri AnyElement(const json& elements, const Field& f) {
  Tri result = Tri::kNo;
  for (const auto& e : elements) {
    result = Any(result, ElementMatches(e, f));
    if (result == Tri::kYes) break;
  }
  return result;
}

// Does the right-hand side (value, list, anonymous or named set) contain the value?
Tri Contains(const json& right, const Field& f, const NftChain& chain, const NftRuleset& rs) {
  if (right.is_array()) return AnyElement(right, f);
  if (right.is_object() && right.contains("set")) return AnyElement(right["set"], f);
  if (right.is_string() && right.get_ref<const std::string&>().starts_with("@")) {
    const NftSet* set = rs.FindSet(chain.family, chain.table, right.get<std::string>().substr(1));
    return set ? AnyElement(set->elements, f) : Tri::kMaybe;
  }
  return ElementMatches(right, f);
}

std::set<std::string> FlagSet(const json& j) {
  std::set<std::string> out;
  if (j.is_string()) out.insert(j.get<std::string>());
  if (j.is_array()) {
    for (const auto& e : j) {
      if (e.is_string()) out.insert(e.get<std::string>());
    }
  }
  return out;
}

// `tcp flags & (fin|syn|rst|ack) == syn` and `tcp flags syn`, for a packet with only SYN.
Tri MatchTcpFlags(const std::string& op, const json& left, const json& right) {
  std::set<std::string> value{"syn"};
  const json& masked = Member(left, "&");
  if (masked.is_array()) {
    const auto mask = masked.size() == 2 ? FlagSet(masked[1]) : std::set<std::string>{};
    if (!mask.contains("syn")) value.clear();
    const bool equal = value == FlagSet(right);
    return op == "!=" ? (equal ? Tri::kNo : Tri::kYes) : (equal ? Tri::kYes : Tri::kNo);
  }
  const auto wanted = FlagSet(right);
  if (op == "in") return wanted.contains("syn") ? Tri::kYes : Tri::kNo;
  const bool equal = wanted == value;
  return op == "!=" ? (equal ? Tri::kNo : Tri::kYes) : (equal ? Tri::kYes : Tri::kNo);
}

Tri Compare(const std::string& op, const json& right, const Field& f) {
  if (f.kind != Field::kNumber || !right.is_number_integer()) return Tri::kMaybe;
  const long r = right.get<long>();
  const bool ok = op == "<" ? f.number < r : op == ">" ? f.number > r
                : op == "<=" ? f.number <= r : f.number >= r;
  return ok ? Tri::kYes : Tri::kNo;
}

Tri EvaluateMatch(const json& m, const NftChain& chain, const NftRuleset& rs,
                  const NftPacket& pkt) {
  const std::string op = m.value("op", "==");
  const json& left = Member(m, "left");
  const json& right = Member(m, "right");
  const json& masked = Member(left, "&");
  const json& base = masked.is_array() && !masked.empty() ? masked[0] : left;
  if (base.is_object() && base.contains("payload") &&
      base["payload"].value("field", "") == "flags" &&
      base["payload"].value("protocol", "") == "tcp") {
    return MatchTcpFlags(op, left, right);
  }
  if (left.contains("fib")) {  // `fib daddr type local`; `fib saddr . iif oif missing`
    const std::string result = left["fib"].value("result", "");
    if (result == "type" && right == "local") return op == "!=" ? Tri::kNo : Tri::kYes;
    if (result == "oif" && right == false) return op == "!=" ? Tri::kYes : Tri::kNo;
    return Tri::kMaybe;
  }
  const Field f = ResolveLeft(left, pkt);
  if (f.kind == Field::kAbsent) return Tri::kNo;
  if (f.kind == Field::kUnknown) return Tri::kMaybe;
  if (op == "==" || op == "in") return Contains(right, f, chain, rs);
  if (op == "!=") return Not(Contains(right, f, chain, rs));
  return Compare(op, right, f);
}

NftRuleEffect EvaluateVmap(const json& vmap, const NftChain& chain, const NftRuleset& rs,
                           const NftPacket& pkt) {
  const json& key = Member(vmap, "key");
  const Field f = ResolveLeft(key, pkt);
  const json& data = Member(vmap, "data");
  const json* entries = &Member(data, "set");
  if (data.is_string() && data.get_ref<const std::string&>().starts_with("@")) {
    const NftSet* map = rs.FindSet(chain.family, chain.table, data.get<std::string>().substr(1));
    if (map) entries = &map->elements;
  }
  NftRuleEffect maybe;
  for (const auto& entry : *entries) {
    if (!entry.is_array() || entry.size() != 2) continue;
    const Tri t = f.kind == Field::kAbsent ? Tri::kNo
                  : f.kind == Field::kUnknown ? Tri::kMaybe : ElementMatches(entry[0], f);
    auto verdict = ParseVerdict(entry[1]);
    if (t == Tri::kNo || !verdict) continue;
    if (t == Tri::kYes) return {Tri::kYes, *verdict, ""};
    if (maybe.applies == Tri::kNo || verdict->kind != NftVerdictKind::kAccept) {
      maybe = {Tri::kMaybe, *verdict, "verdict map key " + Brief(key)};
    }
  }
  return maybe;  // no entry matched: the rule stops here without a verdict
}

const std::set<std::string, std::less<>>& NoEffectStatements() {
  static const std::set<std::string, std::less<>> kNames{
      "counter", "log", "mangle", "notrack", "set", "dup", "secmark", "ct helper",
      "ct timeout", "ct expectation", "meter"};
  return kNames;
}

}  // namespace

std::optional<NftVerdict> ParseVerdict(const json& stmt) {
  if (!stmt.is_object() || stmt.empty()) return std::nullopt;
  const std::string& key = stmt.begin().key();
  const json& body = stmt.begin().value();
  if (key == "accept") return NftVerdict{NftVerdictKind::kAccept, "", "accept"};
  if (key == "drop") return NftVerdict{NftVerdictKind::kDrop, "", "drop"};
  if (key == "continue") return NftVerdict{NftVerdictKind::kContinue, "", "continue"};
  if (key == "return") return NftVerdict{NftVerdictKind::kReturn, "", "return"};
  if (key == "queue") return NftVerdict{NftVerdictKind::kQueue, "", "queue"};
  if (key == "jump" || key == "goto") {
    const std::string target = body.is_object() ? body.value("target", "") : "";
    return NftVerdict{key == "jump" ? NftVerdictKind::kJump : NftVerdictKind::kGoto, target,
                      key + " " + target};
  }
  if (key == "reject") {
    std::string text = "reject";
    if (body.is_object() && body.contains("type")) {
      text += " with " + body.value("type", "");
      if (body.contains("expr") && body["expr"].is_string()) text += " " + body.value("expr", "");
    }
    return NftVerdict{NftVerdictKind::kReject, "", text};
  }
  if (key == "dnat" || key == "snat" || key == "masquerade" || key == "redirect") {
    return NftVerdict{NftVerdictKind::kAccept, "", key};  // NAT statements end the chain
  }
  return std::nullopt;
}

namespace {

NftRuleEffect EvaluateStatements(const NftRule& rule, const NftChain& chain,
                                 const NftRuleset& ruleset, const NftPacket& packet) {
  NftRuleEffect effect{Tri::kYes, {}, ""};
  for (const auto& stmt : rule.expr) {
    if (!stmt.is_object() || stmt.empty()) continue;
    const std::string& key = stmt.begin().key();
    const json& body = stmt.begin().value();
    Tri t = Tri::kYes;
    if (key == "match") {
      t = EvaluateMatch(body, chain, ruleset, packet);
    } else if (key == "vmap") {
      NftRuleEffect v = EvaluateVmap(body, chain, ruleset, packet);
      if (v.applies == Tri::kNo) return {Tri::kNo, {}, ""};
      if (v.applies == Tri::kMaybe) effect.doubt = v.doubt;
      return {std::min(effect.applies, v.applies), v.verdict, effect.doubt};
    } else if (auto verdict = ParseVerdict(stmt)) {
      effect.verdict = *verdict;
      return effect;
    } else if (!NoEffectStatements().contains(key)) {
      t = Tri::kMaybe;  // limit, quota, ct count, xt (iptables extension), unknown kinds
    }
    if (t == Tri::kNo) return {Tri::kNo, {}, ""};
    if (t == Tri::kMaybe && effect.applies == Tri::kYes) {
      effect.applies = Tri::kMaybe;
      effect.doubt = key == "match" ? Brief(body) : key + " " + Brief(body);
    }
  }
  return effect;
}

}  // namespace

NftRuleEffect EvaluateRule(const NftRule& rule, const NftChain& chain,
                           const NftRuleset& ruleset, const NftPacket& packet) {
  try {
    return EvaluateStatements(rule, chain, ruleset, packet);
  } catch (const json::exception&) {
    // A statement in a shape nft does not print ({"match": 5}, a future nft's JSON): the
    // rule is undecided, and since it may stop the packet it is not skipped either.
    return {Tri::kMaybe, {NftVerdictKind::kDrop, "", "unreadable rule"}, "unreadable " + Brief(rule.expr)};
  }
}

}  // namespace dcv
