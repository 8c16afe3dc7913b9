#!/bin/sh
# Install or upgrade fondsengine from a wheel: venv, package, migrations, guidelines.
#   deploy/install.sh dist/fondsengine-0.1.0-py3-none-any.whl
# Environment (not FONDS_*, those are settings): FONDSENGINE_VENV (default /opt/fondsengine/venv), FONDSENGINE_ENV_FILE (default
# /etc/fondsengine/fondsengine.env, the FONDS_* settings), PIP_INSTALL_OPTIONS (e.g. --no-index
# --find-links /srv/wheels for an offline machine). Run as the service user in its working directory.
# The PostgreSQL database must exist (createdb); the systemd units then start web and scheduler.
set -eu
wheel=${1:?Aufruf: install.sh WHEEL-DATEI}
venv=${FONDSENGINE_VENV:-/opt/fondsengine/venv}
env_file=${FONDSENGINE_ENV_FILE:-/etc/fondsengine/fondsengine.env}
test -r "$env_file" || { echo "Fehler: Einstellungsdatei $env_file fehlt (Vorlage: deploy/fondsengine.env.example)" >&2; exit 2; }
test -x "$venv/bin/python" || python3 -m venv "$venv"
# shellcheck disable=SC2086
"$venv/bin/python" -m pip install --quiet ${PIP_INSTALL_OPTIONS:-} "$wheel"
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a
"$venv/bin/fondsengine" --version
"$venv/bin/fondsengine" db upgrade
"$venv/bin/fondsengine" check
"$venv/bin/fondsengine" funds load
echo "Installiert. Start: systemctl enable --now fondsengine-web fondsengine-scheduler; Prüfung: curl -fsS http://127.0.0.1:8000/readyz"
