#!/usr/bin/env bash
# manpage_test.sh - dcv-agent(1) renders without warnings (man -l, groff -ww) and documents
# everything the binary's --help lists: every subcommand in SYNOPSIS and COMMANDS, every
# option of every subcommand, every CA profile. Reads --help, so the page cannot drift from
# the code: an option added to the agent fails this test until the page documents it.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
pkg_require_tools man groff
pkg_require_agent
page=${DCV_MANPAGE:-$DCV_SOURCE_DIR/packaging/dcv-agent.1}

warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
pkg_check "man --warnings -l renders without warnings${warnings:+: $warnings}" test -z "$warnings"
warnings=$(groff -mandoc -ww -z -Tutf8 "$page" 2>&1)
pkg_check "groff -ww reports nothing${warnings:+: $warnings}" test -z "$warnings"
text=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -E UTF-8 -l "$page" 2>/dev/null | col -bx)
pkg_check "rendered page is not empty" test "$(wc -l <<<"$text")" -gt 50
section() { awk -v s="$1" '/^[A-Z][A-Z ]*$/ {on = ($0 == s)} on' <<<"$text"; }
synopsis=$(section SYNOPSIS) commands=$(section COMMANDS) options=$(section OPTIONS)
for sec in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
  pkg_check "section $sec" grep -qx "$sec" <<<"$text"
done

mapfile -t subs < <(pkg_subcommands)
pkg_check "--help lists subcommands (${subs[*]})" test ${#subs[@]} -ge 5
invocations=()
for sub in "${subs[@]}"; do
  if "$DCV_AGENT" "$sub" --help | grep -q '^Subcommands:'; then
    while read -r inner; do invocations+=("$sub $inner"); done < <("$DCV_AGENT" "$sub" --help |
      sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}')
  else
    invocations+=("$sub")
  fi
done
for inv in "${invocations[@]}"; do
  pkg_check "SYNOPSIS shows 'dcv-agent $inv'" grep -qE "dcv-agent $inv( |$)" <<<"$synopsis"
  pkg_check "COMMANDS describes '$inv'" grep -qE "^ {5}$inv( |$)" <<<"$commands"
  # shellcheck disable=SC2086  # "probe serve" is two words on purpose
  for opt in $(pkg_help_options $inv); do
    pkg_check "$inv $opt is documented in OPTIONS" grep -qE -- "(^|[ ,])$opt([ ,=]|$)" <<<"$options"
  done
done
for opt in $(pkg_help_options); do
  pkg_check "top-level $opt is documented" grep -qE -- "(^|[ ,])$opt([ ,]|$)" <<<"$options"
done
# the CA profiles and methods --help offers
profiles=$("$DCV_AGENT" check --help | grep -oE -- '--ca TEXT:\{[^}]*\}' | sed -E 's/.*\{(.*)\}/\1/' | tr ',' ' ')
pkg_check "--help offers CA profiles ($profiles)" test -n "$profiles"
for p in $profiles; do pkg_check "CA profile $p is documented" grep -qw -- "$p" <<<"$options"; done
# exit statuses 0-4 of the contract
for s in 0 1 2 3 4; do pkg_check "EXIT STATUS documents $s" grep -qE "^ +$s " <<<"$(section 'EXIT STATUS')"; done
pkg_finish manpage_test
