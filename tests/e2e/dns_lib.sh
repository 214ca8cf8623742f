# shellcheck shell=bash
# tests/e2e/dns_lib.sh - the DNS fixture (tests/dns-fixture) for end-to-end tests of the dns
# method: brings it up under a run-unique id, runs the agent in the fixture's client
# namespace, and asserts on its exit status and JSON. Source it from bash, as root.
set -uo pipefail
DNS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DCV_SOURCE_DIR=${DCV_SOURCE_DIR:-$(cd "$DNS_LIB_DIR/../.." && pwd)}
DCV_AGENT=${DCV_AGENT:-$DCV_SOURCE_DIR/build/agent/dcv-agent}
DNS_FX=$DCV_SOURCE_DIR/tests/dns-fixture
export DNSFX_ID=${DNSFX_ID:-$(printf '%x' $(( $$ % 0xfffff )))$(( RANDOM % 10 ))}
DNSFX_ID=${DNSFX_ID:0:6}
export R=${R:-$(mktemp -d /tmp/dcv-dns-e2e.XXXXXX)}
DNS_PASS=0 DNS_FAIL=0 DNS_RC="" DNS_OUT="$R/agent.out" DNS_ERR="$R/agent.err"

dns_log()  { printf '[dns-e2e %s %s] %s\n' "$DNSFX_ID" "$(date +%T.%3N)" "$*" >&2; }
dns_pass() { DNS_PASS=$((DNS_PASS + 1)); dns_log "PASS $*"; }
dns_fail() { DNS_FAIL=$((DNS_FAIL + 1)); dns_log "FAIL $*"; }

dns_require_root() {
  [ "$(id -u)" = 0 ] || { echo "FAIL: this end-to-end test needs root (network namespaces, DNS servers)" >&2; exit 1; }
  [ -x "$DCV_AGENT" ] || { echo "FAIL: agent binary not found: $DCV_AGENT" >&2; exit 1; }
}

dns_down() {
  bash "$DNS_FX/down.sh"
  if ip netns list | grep -q "^dx$DNSFX_ID"; then dns_fail "namespaces dx$DNSFX_ID* left behind"; fi
  [ "${DNS_KEEP:-0}" = 1 ] || rm -rf "$R"
}

dns_up() {
  trap 'dns_down' EXIT
  bash "$DNS_FX/gen.sh" >/dev/null || { echo "FAIL: gen.sh" >&2; exit 1; }
  bash "$DNS_FX/up.sh" >&2 || { echo "FAIL: up.sh" >&2; exit 1; }
}

# dns_agent SUBCOMMAND ARGS... : runs the agent in the client namespace (JSON on stdout)
dns_agent() {
  local sub=$1; shift
  ip netns exec "dx${DNSFX_ID}cli" "$DCV_AGENT" "$sub" --root-hints "$R/root.hints" "$@" >"$DNS_OUT" 2>"$DNS_ERR"
  DNS_RC=$?
}

dns_show() { dns_log "exit $DNS_RC; stdout:"; head -c 3000 "$DNS_OUT" >&2; dns_log "stderr:"; tail -n 20 "$DNS_ERR" >&2; }

# dns_findings: "CODE<TAB>evidence<TAB>remedy" per finding of the last JSON run (newlines: " | ")
dns_findings() {
  python3 -c 'import json,sys
for f in json.load(open(sys.argv[1]))["findings"]:
    print("\t".join(x.replace("\n", " | ") for x in (f["code"], f["evidence"], f["remedy"])))' "$DNS_OUT"
}

# dns_expect DESC RC CODE [TEXT...]: exit status RC, and a finding CODE ("-": no findings at
# all but SENSITIVE_NAME, which the fixture's example.test names always draw) whose evidence
# or remedy contains every TEXT
dns_expect() {
  local desc=$1 rc=$2 code=$3; shift 3
  local findings; findings=$(dns_findings 2>/dev/null) || { dns_fail "$desc: no JSON"; dns_show; return; }
  if [ "$DNS_RC" != "$rc" ]; then dns_fail "$desc: exit $DNS_RC, want $rc"; dns_show; return; fi
  if [ "$code" = - ]; then
    findings=$(grep -vP '^SENSITIVE_NAME\t' <<<"$findings")
    [ -z "$findings" ] && dns_pass "$desc: exit $rc, no findings" || { dns_fail "$desc: findings: $findings"; }
    return
  fi
  local lines line text ok
  lines=$(grep -P "^$code\t" <<<"$findings")
  [ -n "$lines" ] || { dns_fail "$desc: no $code finding"; dns_show; return; }
  while IFS= read -r line; do           # some finding of that code mentions every text
    ok=1
    for text in "$@"; do grep -qF -- "$text" <<<"$line" || { ok=0; break; }; done
    [ $ok = 1 ] && { dns_pass "$desc: $code ${*:+(mentions: $*)}"; return; }
  done <<<"$lines"
  dns_fail "$desc: no $code finding mentions all of: $*"; dns_show
}

dns_finish() {  # tears the fixture down (checking for leftovers), then the verdict
  trap - EXIT
  dns_down
  dns_log "$DNS_PASS passed, $DNS_FAIL failed"
  [ "$DNS_FAIL" = 0 ] && [ "$DNS_PASS" -gt 0 ]
}
