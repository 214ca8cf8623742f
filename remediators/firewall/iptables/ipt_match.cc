// What one iptables rule's matches say about the CA's packet: a new TCP SYN (conntrack
// state NEW) from an arbitrary outside address and source port, to a local address and
// port, arriving on a non-loopback interface. With --allow-from the sender is a given
// network, and `-s` is decided against it. Options this file does not know are kMaybe:
// the evaluator never relies on them to accept.
#include <algorithm>
#include <sstream>

#include "remediators/firewall/iptables/ipt_evaluate.h"

namespace dcv {
namespace {

Tri Negate(Tri t, bool negated) {
  if (!negated || t == Tri::kMaybe) return t;
  return t == Tri::kYes ? Tri::kNo : Tri::kYes;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  return out;
}

// "80", "8000:8100", ":1024", "1024:" contain `port`?
bool PortInRange(const std::string& spec, int port) {
  const size_t colon = spec.find(':');
  try {
    if (colon == std::string::npos) return std::stoi(spec) == port;
    const int lo = colon == 0 ? 0 : std::stoi(spec.substr(0, colon));
    const int hi = colon + 1 == spec.size() ? 65535 : std::stoi(spec.substr(colon + 1));
    return port >= lo && port <= hi;
  } catch (const std::exception&) {
    return false;
  }
}

bool AnyPort(const std::vector<std::string>& specs, int port) {
  for (const auto& v : specs) {
    for (const auto& spec : SplitComma(v)) {
      if (PortInRange(spec, port)) return true;
    }
  }
  return false;
}

Tri MatchProtocol(const std::string& proto) {
  return proto == "tcp" || proto == "6" || proto == "all" || proto == "0" ? Tri::kYes : Tri::kNo;
}

Tri MatchInterface(const std::string& pattern, const std::string& iface) {
  if (pattern == "+") return Tri::kYes;
  if (pattern == "lo") return Tri::kNo;  // the CA never arrives on loopback
  if (iface.empty()) return Tri::kMaybe;
  if (!pattern.empty() && pattern.back() == '+') {
    return iface.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0 ? Tri::kYes
                                                                                      : Tri::kNo;
  }
  return pattern == iface ? Tri::kYes : Tri::kNo;
}

Tri MatchStates(const std::string& states) {
  const auto list = SplitComma(states);
  return std::find(list.begin(), list.end(), "NEW") != list.end() ? Tri::kYes : Tri::kNo;
}

// --tcp-flags MASK COMP for a packet carrying only SYN.
Tri MatchTcpFlags(const std::vector<std::string>& values) {
  if (values.size() != 2) return Tri::kMaybe;
  auto expand = [](const std::string& list) {
    if (list == "ALL") return std::vector<std::string>{"FIN", "SYN", "RST", "PSH", "ACK", "URG"};
    if (list == "NONE") return std::vector<std::string>{};
    return SplitComma(list);
  };
  const auto comp = expand(values[1]);
  for (const auto& flag : expand(values[0])) {
    const bool set_in_packet = flag == "SYN";
    const bool wanted = std::find(comp.begin(), comp.end(), flag) != comp.end();
    if (set_in_packet != wanted) return Tri::kNo;
  }
  return Tri::kYes;
}

bool IsAnyAddress(const std::string& v) { return v == "0.0.0.0/0" || v == "::/0"; }

// `-s NETWORK` for the packet's senders. An arbitrary sender is in no named network, but
// since iptables users write allow-lists and block-lists alike, a narrower -s stays kMaybe.
Tri MatchSource(const std::string& v, const Cidr& source) {
  if (source.IsAny()) return IsAnyAddress(v) ? Tri::kYes : Tri::kMaybe;
  Result<Cidr> network = ParseCidr(v);
  if (!network) return Tri::kMaybe;
  const CidrRelation relation = Relate(source, *network);
  return relation == CidrRelation::kInside ? Tri::kYes
         : relation == CidrRelation::kDisjoint ? Tri::kNo : Tri::kMaybe;
}

Tri MatchOption(const IptOption& o, const IptPacket& packet) {
  const std::string v = o.values.empty() ? "" : o.values[0];
  const std::string& n = o.name;
  if (n == "-m" || n == "--match" || n == "--comment") return Tri::kYes;
  if (n == "-p" || n == "--protocol") return MatchProtocol(v);
  if (n == "-s" || n == "--source") return MatchSource(v, packet.source);
  if (n == "-d" || n == "--destination") {
    return IsAnyAddress(v) ? Tri::kYes : Tri::kMaybe;
  }
  if (n == "-i" || n == "--in-interface") return MatchInterface(v, packet.iface);
  if (n == "--dport" || n == "--destination-port" || n == "--dports" ||
      n == "--destination-ports" || (n == "--ports" && o.module == "multiport")) {
    // --ports matches either port: the destination decides "yes", the source only "maybe"
    if (n == "--ports") return AnyPort(o.values, packet.dport) ? Tri::kYes : Tri::kMaybe;
    return AnyPort(o.values, packet.dport) ? Tri::kYes : Tri::kNo;
  }
  if (n == "--sport" || n == "--source-port" || n == "--sports" || n == "--source-ports") {
    return v == "0:65535" ? Tri::kYes : Tri::kMaybe;
  }
  if (n == "--ctstate" || (n == "--state" && o.module == "state")) return MatchStates(v);
  if (n == "--syn") return Tri::kYes;
  if (n == "--tcp-flags") return MatchTcpFlags(o.values);
  if (n == "--dst-type" && o.module == "addrtype") {
    return v == "LOCAL" ? Tri::kYes : Tri::kMaybe;
  }
  return Tri::kMaybe;
}

}  // namespace

Tri MatchIptRule(const IptRule& rule, const IptPacket& packet, std::string& doubt) {
  Tri result = Tri::kYes;
  for (const auto& o : rule.options) {
    const Tri t = Negate(MatchOption(o, packet), o.negated);
    if (t == Tri::kNo) return Tri::kNo;
    if (t == Tri::kMaybe && result == Tri::kYes) {
      result = Tri::kMaybe;
      doubt = (o.negated ? "! " : "") + o.name + (o.values.empty() ? "" : " " + o.values[0]);
    }
  }
  return result;
}

}  // namespace dcv
