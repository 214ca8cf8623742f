#!/usr/bin/env bash
# rpm_test.sh - builds the .rpm with CPack's RPM generator (Debian's rpmbuild) and checks
# what rpm itself reads from it: the file list (rpm -qlp), the journal directory's mode
# (rpm -qlvp), the metadata and the requirements rpmbuild computed from the binary.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
pkg_require_tools cpack rpmbuild rpm
pkg_require_agent

t0=$(date +%s%N)
rpmfile=$(pkg_build RPM) || exit 1
pkg_log "built $rpmfile in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
files=$(rpm -qlp "$rpmfile" 2>/dev/null)
printf '%s\n' "$files" | sed 's/^/  rpm -qlp| /' >&2
for f in /usr/bin/dcv-agent /usr/share/man/man1/dcv-agent.1.gz \
         /usr/share/bash-completion/completions/dcv-agent /usr/share/zsh/vendor-completions/_dcv-agent \
         /usr/share/doc/dcv-agent/README.md /usr/share/doc/dcv-agent/copyright \
         /usr/share/doc/dcv-agent/report.schema.json /usr/share/ansible/plugins/modules/dcv_agent.py \
         /var/lib/dcv-agent; do
  pkg_check "rpm lists $f" grep -qxF "$f" <<<"$files"
done
# the package must not claim the system's directories (the filesystem package owns them)
for d in /usr /usr/bin /usr/share/man /usr/share/man/man1 /var /var/lib; do
  pkg_check "rpm does not own $d" bash -c '! grep -qxF "$1" <<<"$2"' _ "$d" "$files"
done
mode=$(rpm -qlvp "$rpmfile" 2>/dev/null | awk '$NF == "/var/lib/dcv-agent" {print $1}')
pkg_check "/var/lib/dcv-agent is drwx------ in the rpm (got $mode)" test "$mode" = drwx------
bin=$(rpm -qlvp "$rpmfile" 2>/dev/null | awk '$NF == "/usr/bin/dcv-agent" {print $1, $3, $4}')
pkg_check "/usr/bin/dcv-agent is -rwxr-xr-x root root (got $bin)" test "$bin" = "-rwxr-xr-x root root"
name=$(rpm -qp --qf '%{NAME} %{VERSION} %{RELEASE}' "$rpmfile" 2>/dev/null)
pkg_check "name/version/release: $name" test "$name" = "dcv-agent $("$DCV_AGENT" --version | awk '{print $2}') 1"
requires=$(rpm -qp --requires "$rpmfile" 2>/dev/null)
pkg_check "requirements computed from the binary (libc, libcurl)" \
  bash -c 'grep -q "^libc.so.6" <<<"$1" && grep -q "^libcurl" <<<"$1"' _ "$requires"
pkg_finish rpm_test
