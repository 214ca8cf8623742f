# bash completion for dcv-agent(1). Installed as
# /usr/share/bash-completion/completions/dcv-agent (loaded on demand by bash-completion).
# tests/packaging/completion_test.sh checks these lists against the binary's --help.

_dcv_agent_options() {
  local target="--domain --method --token --content --content-file --ca --probe --key-file
    --txt-name --root-hints --trust-anchor --dns-server --tsig-key --dns-wait --allow-from --temporary
    --state-dir --json -v --verbose -q --quiet -h --help --lang --color --config"
  case $1 in
    check | verify) echo "$target" ;;
    fix | cleanup) echo "$target --dry-run --lock-timeout" ;;
    rollback) echo "--run --last --recover --state-dir --lock-timeout --json -v --verbose -q --quiet -h --help" ;;
    serve) echo "--listen --key-file --no-auth --max-concurrent --allow-private --user -v --verbose -h --help" ;;
    probe) echo "serve -h --help" ;;
    dns-update) echo "--dns-server --tsig-key --zone --ttl -v --verbose -h --help" ;;
    *) echo "check fix verify rollback cleanup probe dns-update --version -h --help" ;;
  esac
}

_dcv_agent() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local command="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      check | fix | verify | rollback | cleanup | probe | dns-update) command=${COMP_WORDS[i]} ;;
      serve) [ "$command" = probe ] && command=serve ;;
    esac
  done
  COMPREPLY=()
  case $prev in
    --method) mapfile -t COMPREPLY < <(compgen -W "file acme-http dns" -- "$cur"); return ;;
    --ca) mapfile -t COMPREPLY < <(compgen -W "generic letsencrypt digicert globalsign sectigo" -- "$cur"); return ;;
    --lang) mapfile -t COMPREPLY < <(compgen -W "en zh-CN zh-TW" -- "$cur"); return ;;
    --color) mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur"); return ;;
    --config) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --content-file | --key-file | --root-hints | --trust-anchor | --tsig-key)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --state-dir) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
    --domain | --token | --content | --probe | --txt-name | --dns-server | --allow-from | --run | \
      --listen | --max-concurrent | --dns-wait | --zone | --ttl | --lock-timeout)
      return ;;
    --user)
      mapfile -t COMPREPLY < <(compgen -u -- "$cur"); return ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "$(_dcv_agent_options "$command")" -- "$cur")
}

complete -F _dcv_agent dcv-agent
