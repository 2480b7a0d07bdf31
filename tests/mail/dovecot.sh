#!/usr/bin/env bash
# A local Dovecot (Debian's dovecot-imapd) for Kamflo's IMAP tests: its own config, state and
# mail under .kamflo/dovecot, plain IMAP on a high loopback port, one test user. Idempotent.
#
#   tests/mail/dovecot.sh          start if needed, print the IMAP URL base (imap://user:pass@127.0.0.1:PORT)
#   tests/mail/dovecot.sh stop     stop it
#
# Environment: DOVECOT_PORT (10143), KAMFLO_STATE (.kamflo). Needs /usr/sbin/dovecot
# (apt-get install dovecot-imapd). As root it runs mail processes as the dovecot user; as
# anyone else, as that user.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE="${KAMFLO_STATE:-$ROOT/.kamflo}"
PORT="${DOVECOT_PORT:-10143}"
DIR="$STATE/dovecot-$PORT"
USER_NAME=support
PASSWORD=support-test-password
URL="imap://$USER_NAME:$PASSWORD@127.0.0.1:$PORT"
DOVECOT="${DOVECOT_BIN:-/usr/sbin/dovecot}"

if [ "${1:-}" = "stop" ]; then
  [ -f "$DIR/dovecot.conf" ] && "$DOVECOT" -c "$DIR/dovecot.conf" stop 2>/dev/null || true
  exit 0
fi

[ -x "$DOVECOT" ] || { echo "dovecot.sh: $DOVECOT not found; install it with: apt-get install dovecot-imapd" >&2; exit 1; }

# Already answering on the port (this script's instance, or another worktree's with the same user)?
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then echo "$URL"; exit 0; fi

mkdir -p "$DIR/run" "$DIR/mail" "$DIR/log"
if [ "$(id -u)" = 0 ]; then
  RUN_USER=dovecot; LOGIN_USER=dovenull
else
  RUN_USER="$(id -un)"; LOGIN_USER="$(id -un)"
fi
MAIL_UID="$(id -u "$RUN_USER")"; MAIL_GID="$(id -g "$RUN_USER")"
chown -R "$RUN_USER" "$DIR/mail"
# Dovecot needs its base directory to be reachable by its unprivileged processes.
chmod 755 "$DIR" "$DIR/run"

echo "$USER_NAME:{PLAIN}$PASSWORD:$MAIL_UID:$MAIL_GID::$DIR/mail/$USER_NAME::" > "$DIR/users"
cat > "$DIR/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $DIR/run
state_dir = $DIR/state
instance_name = kamflo-test-$PORT
log_path = $DIR/log/dovecot.log
info_log_path = $DIR/log/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $RUN_USER
default_internal_group = $(id -gn "$RUN_USER")
default_login_user = $LOGIN_USER
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $DIR/users
}
userdb {
  driver = passwd-file
  args = username_format=%n $DIR/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
protocol imap {
  mail_max_userip_connections = 200
}
CONF
mkdir -p "$DIR/state"

"$DOVECOT" -c "$DIR/dovecot.conf"
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then echo "$URL"; exit 0; fi
  sleep 0.1
done
echo "dovecot.sh: Dovecot did not answer on port $PORT; see $DIR/log/dovecot.log" >&2
tail -20 "$DIR/log/dovecot.log" >&2 || true
exit 1
