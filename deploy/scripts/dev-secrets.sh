#!/usr/bin/env bash
# Create the Secrets the dev overlay references, from files that exist only on this machine:
#   <service>-keys    trusted.jwks.json, <service>.pem, pii-keys.json  (from KEYS_DIR)
#   <service>-db-app  username, password, dbname, uri  (a fresh random password per database)
# Usage: deploy/scripts/dev-secrets.sh [namespace] [keys-dir]
# Nothing here is committed; re-running keeps existing database passwords.
set -euo pipefail

namespace="${1:-postloan-dev}"
keys_dir="${2:-.postloan/keys}"

kubectl get namespace "$namespace" >/dev/null 2>&1 || kubectl create namespace "$namespace"

for service in credit-inquiry monitoring collection restructuring; do
  for file in trusted.jwks.json "$service.pem" pii-keys.json; do
    [[ -f "$keys_dir/$file" ]] || { echo "missing $keys_dir/$file (generate local keys first)" >&2; exit 1; }
  done
  kubectl -n "$namespace" create secret generic "$service-keys" \
    --from-file="trusted.jwks.json=$keys_dir/trusted.jwks.json" \
    --from-file="$service.pem=$keys_dir/$service.pem" \
    --from-file="pii-keys.json=$keys_dir/pii-keys.json" \
    --dry-run=client -o yaml | kubectl apply -f -

  if ! kubectl -n "$namespace" get secret "$service-db-app" >/dev/null 2>&1; then
    password="$(openssl rand -hex 24)"
    kubectl -n "$namespace" create secret generic "$service-db-app" \
      --from-literal=username=app \
      --from-literal="password=$password" \
      --from-literal=dbname=app \
      --from-literal="uri=postgresql://app:$password@$service-db-rw:5432/app"
  fi
done
