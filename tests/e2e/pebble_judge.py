#!/usr/bin/env python3
"""Judge one scenario of pebble_judge_test.sh: pebble's verdict (what certbot was told) against
dcv-agent's prediction (the `check --json` documents the auth hook saved), with Boulder's rule
as the tie-breaker where pebble's validation authority is known to differ from Boulder's.

  pebble_judge.py row DIR NAME BOULDER BOULDER_CODES DIFFERS

DIR            the scenario's directory: certbot.rc, certbot.out, cert.present,
               agent.<domain>.json / .rc (one per challenge, written by pebble_hook.sh)
NAME           the scenario's name (for the table)
BOULDER        valid | invalid: what Boulder's va/http.go does in this scenario
BOULDER_CODES  comma-separated finding codes that name Boulder's reason (for invalid), or -
DIFFERS        why pebble's VA differs from Boulder here (from pebble's va/va.go), or -

Prints one tab-separated row: name, pebble, dcv-agent, Boulder, result, note. Exit status 0 when
the agent is right (it agrees with pebble where pebble and Boulder agree, with Boulder where
pebble is known to differ), 1 otherwise (result DISAGREE) or when the bed is suspect (BED?:
pebble and Boulder disagree where their rules are the same, or certbot/agent output missing).
"""
import glob
import json
import os
import re
import sys

CONNECT_CODES = {"PORT_CLOSED_FIREWALL", "PORT_BLOCKED_UPSTREAM", "NO_LISTENER", "IPV6_BROKEN",
                 "CDN_OR_PROXY"}


def read(path, default=""):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def pebble_verdict(d):
    """('valid'|'invalid'|'error', [(domain, type, detail)])"""
    rc = read(os.path.join(d, "certbot.rc")).strip()
    cert = read(os.path.join(d, "cert.present")).strip() == "1"
    out = read(os.path.join(d, "certbot.out"))
    problems = []
    domain = typ = None
    for line in out.splitlines():
        m = re.match(r"\s*Domain:\s*(\S+)", line)
        if m:
            domain, typ = m.group(1), None
            continue
        m = re.match(r"\s*Type:\s*(\S+)", line)
        if m:
            typ = m.group(1)
            continue
        m = re.match(r"\s*Detail:\s*(.*)", line)
        if m and domain:
            problems.append((domain, typ or "?", m.group(1).strip()))
            domain = typ = None
    if rc == "0" and cert:
        return "valid", problems
    if problems:
        return "invalid", problems
    return "error", problems


def codes_for_problem(typ, detail):
    """The finding codes that name the reason pebble gave (ACME problem type + detail)."""
    text = detail.lower()
    if "redirect" in text:
        return {"REDIRECT_BAD_TARGET", "REDIRECT_ON_PATH"}
    m = re.search(r"returned (\d{3})", text)
    if m:
        status = int(m.group(1))
        if status in (401, 403):
            return {"DENIED_ON_PATH"}
        if status in (404, 410):
            return {"FILE_MISSING", "WWW_APEX_INCOMPLETE", "WRONG_VHOST"}
        if 300 <= status < 400:
            return {"REDIRECT_BAD_TARGET", "REDIRECT_ON_PATH"}
        return {"HTTP_ERROR"}
    if "did not match" in text:
        return {"FILE_CONTENT_MISMATCH"}
    if typ == "connection" or any(w in text for w in ("connect", "timeout", "no route", "refused")):
        return CONNECT_CODES
    return set()


def agent_verdict(d):
    """('ready'|'not_ready'|'missing', error codes, warning codes, exit statuses)"""
    docs = sorted(glob.glob(os.path.join(d, "agent.*.json")))
    if not docs:
        return "missing", set(), set(), []
    ready = True
    errors, warnings, rcs = set(), set(), []
    for path in docs:
        rcs.append(read(path[:-len(".json")] + ".rc").strip() or "?")
        try:
            doc = json.loads(read(path))
        except ValueError:
            return "missing", set(), set(), rcs
        if doc.get("verdict") != "ready":
            ready = False
        for f in doc.get("findings", []):
            (errors if f.get("severity") == "error" else warnings).add(f.get("code"))
    return ("ready" if ready else "not_ready"), errors, warnings, rcs


def short(problems):
    parts = []
    for domain, typ, detail in problems:
        detail = re.sub(r"http://\S+/acme-challenge/\S+", "<url>", detail)
        detail = re.sub(r'"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}"', '"<keyauth>"', detail)
        detail = re.sub(r'"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\s*\\n[^"]*"', '"<keyauth + more>"', detail)
        parts.append(f"{domain}: {typ}: {detail[:110]}")
    return "; ".join(parts)


def row(d, name, boulder, boulder_codes, differs):
    pv, problems = pebble_verdict(d)
    av, errors, warnings, rcs = agent_verdict(d)
    bcodes = set() if boulder_codes in ("", "-") else set(boulder_codes.split(","))
    pebble_txt = pv if pv != "invalid" else "invalid"
    agent_txt = av + (" " + ",".join(sorted(errors)) if errors else "") + \
        (" (warn " + ",".join(sorted(warnings - {"LOCAL_VANTAGE_ONLY"})) + ")"
         if warnings - {"LOCAL_VANTAGE_ONLY"} else "")
    boulder_txt = boulder + (" " + ",".join(sorted(bcodes)) if bcodes else "")
    note = short(problems)
    ok = True
    if pv == "error" or av == "missing":
        result, ok = "BED?", False
        note = ("certbot failed without a CA verdict; " if pv == "error" else "") + \
               ("no agent report (the hook did not run?); " if av == "missing" else "") + note
    else:
        if pv == boulder:
            ref, want_codes, label = pv, set(), "agree"
            for _, typ, detail in problems:
                want_codes |= codes_for_problem(typ, detail)
            if pv == "invalid" and not want_codes:
                result, ok = "BED?", False
                note = "pebble's reason maps to no finding code; " + note
        elif differs != "-":
            ref, want_codes, label = boulder, bcodes, "Boulder-differs"
            note = f"pebble {pv} ({differs}); agent must follow Boulder. " + note
        else:
            result, ok = "BED?", False
            note = "pebble and Boulder disagree where their rules are the same: the bed is suspect. " + note
        if ok:
            agent_ok = (av == "ready") == (ref == "valid")
            if agent_ok and ref == "invalid":
                agent_ok = bool(errors & want_codes)
                if not agent_ok:
                    note = f"agent's errors {sorted(errors)} name none of {sorted(want_codes)}; " + note
            result = label if agent_ok else "DISAGREE"
            ok = agent_ok
    print("\t".join([name, pebble_txt, agent_txt, boulder_txt, result, note]))
    return 0 if ok else 1


def main(argv):
    if len(argv) == 7 and argv[1] == "row":
        return row(*argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
