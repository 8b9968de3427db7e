#!/usr/bin/env bash
# Debian packages the test suite needs: Dovecot (real IMAP server), systemd (systemd-analyze
# verify on the generated unit), git. Idempotent; skips what is already there.
set -euo pipefail
needed=()
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || needed+=(dovecot-imapd)
command -v systemd-analyze >/dev/null 2>&1 || needed+=(systemd)
command -v git >/dev/null 2>&1 || needed+=(git)
[ -x /usr/bin/chromium ] || needed+=(chromium)
if [ "${#needed[@]}" -gt 0 ]; then
  echo "installing: ${needed[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
fi
