#!/usr/bin/env bash
# caddy_test.sh - issue 4 (Caddy): dcv-agent end to end on Debian's caddy, running.
#
#   bed: server world running `caddy start` on /etc/caddy/Caddyfile (its storage and the
#        internal CA under the world's /var; no ACME, no trust-store install). The site for the
#        domain is an application placeholder (`respond`), so the validation path answers 200
#        with the wrong body over https, and Caddy's automatic HTTPS answers http:// with 308.
#   Then the flow of lib_server_flow.sh: check -> fix --dry-run -> fix (a marked `handle` in
#   the site and an http:// site for the path) -> rollback -> fix + cleanup.
#
# Needs root; fails (does not skip) without it. Env: DCV_AGENT, DCV_SOURCE_DIR, E2E_KEEP=1.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_server_flow.sh"

e2e_require_root
e2e_require_tools caddy
e2e_require_agent
e2e_root_state_save
e2e_install_traps

e2e_file_target
SERVER=Caddy SERVER_DIR=/etc/caddy START_HTTP=308 START_HTTPS=200 START_BODY="the application"
CHECK_FINDING=FILE_CONTENT_MISMATCH EDIT_MARK="handle /.well-known/pki-validation/$TOKEN"

caddy_up() {
  e2e_srv /bin/bash -euc '
    H=$1 BODY=$2
    mkdir -p /var/lib/caddy-e2e/home
    cat > /etc/caddy/Caddyfile <<EOF
{
	storage file_system /var/lib/caddy-e2e/storage
	local_certs
	skip_install_trust
}

# $H: the application (a placeholder here); Caddy redirects http:// to https:// itself
$H {
	encode gzip
	respond "$BODY" 200
}
EOF
    export HOME=/var/lib/caddy-e2e/home XDG_DATA_HOME=/var/lib/caddy-e2e/data XDG_CONFIG_HOME=/var/lib/caddy-e2e/config
    caddy start --config /etc/caddy/Caddyfile --adapter caddyfile >/var/lib/caddy-e2e/start.log 2>&1
  ' e2e "$D" "$START_BODY" || { cat "$E2E_DIR/upper/var/lib/caddy-e2e/start.log" >&2; e2e_die "caddy setup/start failed"; }
  e2e_await_server caddy
}

e2e_step "bed: netns pair + world, Debian caddy running (automatic HTTPS, internal CA)"
REAL_MANIFEST=$(real_server_manifest)
e2e_up
printf '%s' "$CONTENT" >"$E2E_DIR/content"
caddy_up;                                                              e2e_phase "bed up (netns, world, caddy)"
server_flow_run
e2e_check "the real /etc/caddy is unchanged" test "$(real_server_manifest)" = "$REAL_MANIFEST"
e2e_finish caddy_test
