#!/bin/sh
# Creates the user Parcours connects as, once the cluster answers (run by the `eventstore-user` service).
# It is in $admins because reading $all needs it by default; an ACL on $all granting it read would do too.
set -eu
url="https://node1.eventstore:2111"
until curl -fsS --cacert /certs/ca/ca.crt -u "admin:$ADMIN_PASSWORD" "$url/gossip" >/dev/null 2>&1; do sleep 2; done
status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert /certs/ca/ca.crt -u "admin:$ADMIN_PASSWORD" \
  -H 'Content-Type: application/json' -X POST "$url/users/" \
  -d "{\"loginName\":\"parcours\",\"fullName\":\"Parcours\",\"groups\":[\"\$admins\"],\"password\":\"$PARCOURS_PASSWORD\"}")
case "$status" in
  201) echo "user parcours created" ;;
  409) echo "user parcours exists" ;;
  *) echo "creating user parcours failed: HTTP $status" >&2; exit 1 ;;
esac
