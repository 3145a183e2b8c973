#!/bin/sh
# Installs the real servers the tests run against, when they are missing and
# this machine can install them (root with apt-get). Without them the
# integration tests skip locally, and fail under CI=true.
set -eu

need=""
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || need="$need dovecot-imapd"
# `test-deps.sh bench` (scripts/bench.sh): mbsync, the peer the scan is compared with.
if [ "${1:-}" = "bench" ]; then command -v mbsync >/dev/null 2>&1 || need="$need isync"; fi
command -v chromium >/dev/null 2>&1 || need="$need chromium fonts-dejavu-core"
# promtool checks /metrics and the alert rules; the tests run their own prometheus.
{ command -v promtool && command -v prometheus; } >/dev/null 2>&1 || need="$need prometheus"
# pdftotext and pdftoppm read back the formal notice's PDF letter.
{ command -v pdftotext && command -v pdftoppm; } >/dev/null 2>&1 || need="$need poppler-utils"
# PostgreSQL, the store's second dialect: the tests start their own server
# from Debian's binaries (kept in /usr/lib/postgresql/N/bin, off PATH).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"

if [ -z "$need" ]; then
	exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing test dependencies:$need"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >/dev/null
	# Debian starts the packaged service; the tests run their own instances.
	# Only a service just installed is stopped: a Dovecot, Prometheus or
	# PostgreSQL already there may be another test run's own.
	for svc in dovecot prometheus postgresql; do
		case "$need" in
		*"$svc"*)
			if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
			case "$svc" in
			postgresql)
				# Without systemd, Debian's own cluster may have been started: stop it.
				if command -v pg_lsclusters >/dev/null 2>&1; then
					pg_lsclusters -h 2>/dev/null | while read -r ver name _; do pg_ctlcluster "$ver" "$name" stop >/dev/null 2>&1 || true; done
				fi
				;;
			*) pkill -x "$svc" >/dev/null 2>&1 || true ;;
			esac
			;;
		esac
	done
else
	echo "warning: missing test dependencies:$need (install them, or integration tests will skip; under CI=true they fail)" >&2
fi
