#!/usr/bin/env bash
# completion_test.sh - the bash completion offers, for each subcommand, exactly the options
# its --help lists (run in bash the way readline calls it), plus the subcommands and the
# values of --method and --ca; the zsh completion parses (zsh -n) and names every subcommand
# and every option --help lists. Reads --help, so neither can drift from the binary.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
pkg_require_tools zsh
pkg_require_agent
bashc=$DCV_SOURCE_DIR/packaging/completion/dcv-agent.bash
zshc=$DCV_SOURCE_DIR/packaging/completion/_dcv-agent

# complete WORDS...: what the bash completion offers for the last word (may be empty)
complete_words() {
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _dcv_agent; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$bashc" "$@" | sort -u
}
pkg_check "bash -n on the bash completion" bash -n "$bashc"
pkg_check "it registers _dcv_agent for dcv-agent" \
  bash -c '. "$1"; complete -p dcv-agent | grep -q -- "-F _dcv_agent dcv-agent"' _ "$bashc"

mapfile -t subs < <(pkg_subcommands)
offered=$(complete_words dcv-agent "")
for sub in "${subs[@]}"; do pkg_check "bash: 'dcv-agent <TAB>' offers $sub" grep -qx "$sub" <<<"$offered"; done
pkg_check "bash: 'dcv-agent ch<TAB>' completes to check" test "$(complete_words dcv-agent ch)" = check
pkg_check "bash: 'dcv-agent probe <TAB>' offers serve" grep -qx serve <<<"$(complete_words dcv-agent probe "")"

invocations=()
for sub in "${subs[@]}"; do [ "$sub" = probe ] && invocations+=("probe serve") || invocations+=("$sub"); done
for inv in "${invocations[@]}"; do
  # shellcheck disable=SC2086  # "probe serve" is two words on purpose
  want=$(pkg_help_options $inv)
  got=$(complete_words dcv-agent $inv -)
  missing=$(comm -23 <(echo "$want") <(echo "$got") | tr '\n' ' ')
  extra=$(comm -13 <(echo "$want") <(echo "$got") | tr '\n' ' ')
  pkg_check "bash: '$inv -<TAB>' offers every option of --help${missing:+ (missing: $missing)}" test -z "$missing"
  pkg_check "bash: '$inv -<TAB>' offers nothing --help lacks${extra:+ (extra: $extra)}" test -z "$extra"
  for opt in $want; do pkg_check "zsh: $inv $opt" grep -qE -- "${opt}=?\\[|[{,]${opt}[,}]" "$zshc"; done
done
profiles=$("$DCV_AGENT" check --help | grep -oE -- '--ca TEXT:\{[^}]*\}' | sed -E 's/.*\{(.*)\}/\1/' | tr ',' '\n' | sort)
pkg_check "bash: '--ca <TAB>' offers the profiles of --help ($(echo $profiles))" \
  test "$(complete_words dcv-agent check --ca "")" = "$profiles"
pkg_check "bash: '--method <TAB>' offers file acme-http dns" \
  test "$(complete_words dcv-agent fix --method "" | tr '\n' ' ')" = "acme-http dns file "
pkg_check "bash: '--content-file <TAB>' completes file names" \
  grep -qx "$bashc" <<<"$(complete_words dcv-agent check --content-file "$bashc")"

pkg_check "zsh -n on the zsh completion" zsh -n "$zshc"
pkg_check "zsh: first line is #compdef dcv-agent" test "$(head -1 "$zshc")" = "#compdef dcv-agent"
for sub in "${subs[@]}"; do pkg_check "zsh: subcommand $sub" grep -qE "^  '$sub:" "$zshc"; done
for p in $profiles; do pkg_check "zsh: CA profile $p" grep -qE -- "--ca=.*\\(.*\\b$p\\b" "$zshc"; done
pkg_finish completion_test
