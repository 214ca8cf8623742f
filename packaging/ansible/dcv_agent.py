#!/usr/bin/python3
# -*- coding: utf-8 -*-
# Ansible module dcv_agent: runs dcv-agent on the managed host with --json and maps its
# report to Ansible's result: changed (the plan had steps and they were applied), failed
# (not ready, bad input, rolled back, internal error), findings, plan and checks. Check mode
# runs the agent with --dry-run (nothing changes; changed says whether a run would change
# something); diff mode returns the plan's configuration diffs. The agent is run with an
# argv list (run_command without a shell), never through a shell.
# Installed as /usr/share/ansible/plugins/modules/dcv_agent.py by the dcv-agent package.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: dcv_agent
short_description: make a server pass a CA's domain-control validation with dcv-agent
description:
  - Runs C(dcv-agent fix) (state=present), C(dcv-agent cleanup) (state=absent) or
    C(dcv-agent check) (state=checked) with C(--json) on the managed host.
  - Check mode adds C(--dry-run); diff mode returns the plan's configuration diffs.
  - Idempotent; a second run with the same arguments finds nothing to do and reports ok.
options:
  domains:
    description: Names the CA validates (the apex and www separately).
    type: list
    elements: str
    required: true
    aliases: [domain]
  method:
    description: Validation method.
    type: str
    default: file
    choices: [file, acme-http, dns]
  token:
    description: Validation file name (the ACME token with acme-http).
    type: str
  content:
    description: Expected content (the ACME key authorization with acme-http).
    type: str
  content_file:
    description: File holding the expected content.
    type: path
  ca:
    description: CA profile.
    type: str
    default: generic
    choices: [generic, letsencrypt, digicert, globalsign, sectigo]
  probes:
    description: URLs of outside probes (dcv-agent probe serve).
    type: list
    elements: str
    default: []
  key_file:
    description: Shared key for the probes.
    type: path
  allow_from:
    description: Source networks that firewall openings admit (CIDR).
    type: list
    elements: str
    default: []
  temporary:
    description: Firewall openings are not persisted; cleanup removes them.
    type: bool
    default: false
  state:
    description: C(present) runs fix, C(absent) runs cleanup, C(checked) runs check.
    type: str
    default: present
    choices: [present, absent, checked]
  state_dir:
    description: Journal directory (default /var/lib/dcv-agent).
    type: path
  executable:
    description: The dcv-agent binary.
    type: path
    default: dcv-agent
'''

EXAMPLES = r'''
- name: Make the server pass the CA's file validation
  dcv_agent:
    domains: [example.com, www.example.com]
    token: fileauth.txt
    content: "{{ dcv_random_value }}"
    probes: [https://probe.example.net:8443]
    key_file: /etc/dcv-agent/probe.key
'''

RETURN = r'''
verdict:
  description: C(ready) or C(not_ready).
  returned: when the agent ran
  type: str
run_id:
  description: The journal run id, for C(dcv-agent rollback --run).
  returned: when the agent ran
  type: str
findings:
  description: The report's findings with code, severity, domain, evidence, remedy and source.
  returned: always
  type: list
plan:
  description: The plan's steps with id, kind, description and diff.
  returned: always
  type: list
checks:
  description: What was observed over the network.
  returned: always
  type: list
rc:
  description: The agent's exit status.
  returned: always
  type: int
'''

import json

from ansible.module_utils.basic import AnsibleModule

COMMANDS = {'present': 'fix', 'absent': 'cleanup', 'checked': 'check'}
EXIT_MEANING = {2: 'bad input or usage', 3: 'a change failed and was rolled back', 4: 'internal error'}


def build_argv(module):
    p = module.params
    argv = [p['executable'], COMMANDS[p['state']], '--json', '--method', p['method'], '--ca', p['ca']]
    for domain in p['domains']:
        argv += ['--domain', domain]
    for name, option in (('token', '--token'), ('content', '--content'),
                         ('content_file', '--content-file'), ('key_file', '--key-file'),
                         ('state_dir', '--state-dir')):
        if p[name] is not None:
            argv += [option, p[name]]
    for probe in p['probes']:
        argv += ['--probe', probe]
    for cidr in p['allow_from']:
        argv += ['--allow-from', cidr]
    if p['temporary']:
        argv.append('--temporary')
    if module.check_mode and p['state'] != 'checked':
        argv.append('--dry-run')
    return argv


def plan_diffs(plan):
    diffs = []
    for step in plan:
        if step.get('diff'):
            where = step.get('path') or step.get('id', '')
            diffs.append({'before_header': where, 'after_header': where, 'prepared': step['diff']})
    return diffs


def blocking(findings):
    """Errors that remain after the run: what a person (or another run) must still fix."""
    return [f for f in findings if f.get('severity') == 'error' and not f.get('fixed')]


def main():
    module = AnsibleModule(
        argument_spec=dict(
            domains=dict(type='list', elements='str', required=True, aliases=['domain']),
            method=dict(type='str', default='file', choices=['file', 'acme-http', 'dns']),
            token=dict(type='str'),
            content=dict(type='str'),
            content_file=dict(type='path'),
            ca=dict(type='str', default='generic',
                    choices=['generic', 'letsencrypt', 'digicert', 'globalsign', 'sectigo']),
            probes=dict(type='list', elements='str', default=[]),
            key_file=dict(type='path', no_log=False),
            allow_from=dict(type='list', elements='str', default=[]),
            temporary=dict(type='bool', default=False),
            state=dict(type='str', default='present', choices=['present', 'absent', 'checked']),
            state_dir=dict(type='path'),
            executable=dict(type='path', default='dcv-agent'),
        ),
        mutually_exclusive=[('content', 'content_file')],
        supports_check_mode=True,
    )
    argv = build_argv(module)
    rc, out, err = module.run_command(argv)
    result = dict(changed=False, rc=rc, cmd=argv, stderr=err, findings=[], plan=[], checks=[])
    if rc in EXIT_MEANING:
        module.fail_json(msg='dcv-agent: %s: %s' % (EXIT_MEANING[rc], err.strip()[-2000:]), **result)
    try:
        report = json.loads(out)
    except ValueError:
        module.fail_json(msg='dcv-agent exit %d printed no JSON report: %s' % (rc, err.strip()[-2000:]), **result)
    for key in ('verdict', 'run_id', 'findings', 'plan', 'checks', 'dry_run', 'applied'):
        if key in report:
            result[key] = report[key]
    plan = report.get('plan') or []
    if module.params['state'] != 'checked':
        result['changed'] = bool(plan) and (module.check_mode or report.get('applied', True) is not False)
    if module._diff:
        result['diff'] = plan_diffs(plan)
    remaining = blocking(report.get('findings') or [])
    # a dry run with a plan exits 1 by contract: that is a preview, not a failure
    unfixable = [f for f in remaining if not f.get('fixable', True)] if module.check_mode else remaining
    if rc != 0 and (unfixable or not module.check_mode):
        codes = sorted({f.get('code', '?') for f in (unfixable or remaining)})
        module.fail_json(msg='dcv-agent: not ready: %s' % ', '.join(codes or ['see findings']), **result)
    # explicit: Ansible takes a result with a non-zero rc and no 'failed' key for a failure
    module.exit_json(failed=False, **result)


if __name__ == '__main__':
    main()
