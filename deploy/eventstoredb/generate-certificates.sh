#!/usr/bin/env bash
# Makes the cluster's CA and one certificate per node, once: run by the `certificates` service of
# docker-compose.yml inside the eventstore/es-gencert-cli image, writing to ./certs (git-ignored).
# A laptop's CA: in production the certificates come from your own PKI and the keys from a secret store.
set -euo pipefail
cd /certs
if [ -f ca/ca.crt ] && [ -f node3/node.key ]; then
  echo "certificates already in ./certs: kept (delete the folder to make new ones)"
  exit 0
fi
es-gencert-cli create-ca -out ./ca
for n in 1 2 3; do
  es-gencert-cli create-node -ca-certificate ./ca/ca.crt -ca-key ./ca/ca.key -out "./node$n" \
    -dns-names "node$n.eventstore,localhost" -ip-addresses 127.0.0.1
done
# The nodes run as an unprivileged user of their image, which must read its key.
find . -type d -exec chmod 755 {} +
find . -type f -exec chmod 644 {} +
chmod 600 ./ca/ca.key
echo "certificates written to ./certs (the CA for clients: certs/ca/ca.crt)"
