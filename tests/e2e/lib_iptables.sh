# shellcheck shell=bash
# tests/e2e/lib_iptables.sh - iptables helpers for iptables_test.sh, on top of lib.sh. Every
# firewall command runs in the world (e2e_srv), never in the root network namespace.

# ipt_serve_file TOKEN CONTENTFILE: the domain's site serves its root on :80 too (no redirect),
# with the validation file in place, so only the firewall stands in the way.
ipt_serve_file() {
  e2e_srv /bin/bash -euc '
    H=$1 T=$2 C=$3
    mkdir -p "/var/www/$H/.well-known/pki-validation"
    install -m 644 "$C" "/var/www/$H/.well-known/pki-validation/$T"
    sed -i "s|return 301 https://\$host\$request_uri;|root /var/www/$H;|" "/etc/nginx/sites-available/$H"
    nginx -t -q && nginx -s reload
  ' e2e "$E2E_DOMAIN" "$1" "$2" || e2e_die "nginx: serving the file failed"
  sleep 0.3
}

# ipt_block nft|legacy: v4 drops 80+443 (multiport), v6 rejects 80 and drops 443
ipt_block() {
  e2e_srv /bin/sh -ec '
    S=$1
    iptables-$S -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
    iptables-$S -A INPUT -i lo -j ACCEPT
    iptables-$S -A INPUT -p tcp -m multiport --dports 80,443 -j DROP
    ip6tables-$S -A INPUT -i lo -j ACCEPT
    ip6tables-$S -A INPUT -p tcp --dport 80 -j REJECT --reject-with tcp-reset
    ip6tables-$S -A INPUT -p tcp --dport 443 -j DROP
  ' e2e "$1" || e2e_die "iptables-$1 block failed"
}

# ipt_accept_in_front STACK: an ACCEPT for 80 and 443 at the top of STACK's INPUT
ipt_accept_in_front() {
  e2e_srv /bin/sh -ec '
    iptables-$1 -I INPUT 1 -p tcp -m multiport --dports 80,443 -j ACCEPT
    ip6tables-$1 -I INPUT 1 -p tcp -m multiport --dports 80,443 -j ACCEPT
  ' e2e "$1" || e2e_die "iptables-$1 accept failed"
}

# ipt_use_legacy: plain iptables (and so iptables-restore at boot) is iptables-legacy in the world
ipt_use_legacy() {
  e2e_srv /bin/sh -ec '
    update-alternatives --quiet --set iptables /usr/sbin/iptables-legacy
    update-alternatives --quiet --set ip6tables /usr/sbin/ip6tables-legacy
  ' || e2e_die "update-alternatives failed"
}

# ipt_persist_now STACK: what an admin with iptables-persistent has: rules.v4/v6 = the rules
ipt_persist_now() {
  e2e_srv /bin/sh -ec '
    mkdir -p /etc/iptables
    iptables-$1-save > /etc/iptables/rules.v4
    ip6tables-$1-save > /etc/iptables/rules.v6
  ' e2e "$1" || e2e_die "persisting the rules failed"
}

# ipt_snapshot NAME: every stack's save output without `#` lines and with the chains' packet
# counters zeroed (`:INPUT ACCEPT [13:2669]` counts traffic, not rules), and the rules files
ipt_snapshot() {
  e2e_srv /bin/sh -c '
    for c in iptables-nft-save ip6tables-nft-save iptables-legacy-save ip6tables-legacy-save; do
      echo "== $c"; $c 2>/dev/null | grep -v "^#" | sed "/^:/s/\[[0-9]*:[0-9]*\]\$/[0:0]/"
    done
    for f in /etc/iptables/rules.v4 /etc/iptables/rules.v6; do
      if [ -e "$f" ]; then echo "== $f"; cat "$f"; else echo "== $f absent"; fi
    done
    ls -ld /etc/iptables 2>&1 | cut -c1-10
  ' >"$E2E_DIR/snap/$1.ipt" 2>&1
}

# ipt_same A B DESC
ipt_same() {
  if diff -u "$E2E_DIR/snap/$1.ipt" "$E2E_DIR/snap/$2.ipt" >"$E2E_DIR/snap/diff.$1.$2.ipt"; then e2e_pass "$3"
  else e2e_fail "$3"; sed 's/^/    /' "$E2E_DIR/snap/diff.$1.$2.ipt" | head -40 >&2; fi
}

# ipt_reboot: flush the filter table of the stack the world's default `iptables` is, then
# restore only what is persisted with its iptables-restore (as netfilter-persistent would).
# The other stack (rules some other tool loads) is left alone.
ipt_reboot() {
  e2e_srv /bin/sh -ec '
    s=nft; case $(readlink -f /usr/sbin/iptables) in *legacy*) s=legacy;; esac
    for c in iptables-$s ip6tables-$s; do $c -F; $c -X; done
    [ ! -e /etc/iptables/rules.v4 ] || iptables-restore < /etc/iptables/rules.v4
    [ ! -e /etc/iptables/rules.v6 ] || ip6tables-restore < /etc/iptables/rules.v6
  ' || e2e_fail "reboot: restoring the rules files failed"
}
