#!/usr/bin/env bash
# Deploy an overlay so that every service's schema migration has finished before its new
# version serves:
#   1. everything that is neither a server, a migration nor the daily cycle (namespace, config,
#      service accounts, network policies, PDBs, HPAs, databases, collector, the suspended PII
#      re-encryption CronJobs), then wait for the databases
#   2. the <service>-migrate Jobs (finished ones are deleted first: a Job's pod template is
#      immutable), waiting until each completes
#   3. the Deployments, Services and the CronJob, waiting for each rollout
# Usage: deploy/scripts/rollout.sh dev|prod
set -euo pipefail

overlay="${1:?usage: rollout.sh dev|prod}"
rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT
kubectl kustomize "deploy/k8s/overlays/$overlay" >"$rendered"
namespace="$(awk '/^kind: Namespace/ {ns = 1} ns && /^  name:/ {print $2; exit}' "$rendered")"
services=(credit-inquiry monitoring collection restructuring)

# 1. (a selector "notin" also matches objects without the label)
kubectl apply -f "$rendered" -l 'app.kubernetes.io/component notin (server,migration,daily-cycle)'
for service in "${services[@]}"; do
  if kubectl -n "$namespace" get "statefulset/$service-db" >/dev/null 2>&1; then
    kubectl -n "$namespace" rollout status "statefulset/$service-db" --timeout=10m
  else
    kubectl -n "$namespace" wait --for=condition=Ready --timeout=15m "cluster.postgresql.cnpg.io/$service-db"
  fi
done

# 2.
for service in "${services[@]}"; do
  kubectl -n "$namespace" delete job "$service-migrate" --ignore-not-found --wait=true
done
kubectl apply -f "$rendered" -l 'app.kubernetes.io/component=migration'
for service in "${services[@]}"; do
  kubectl -n "$namespace" wait --for=condition=complete --timeout=15m "job/$service-migrate"
done

# 3.
kubectl apply -f "$rendered" -l 'app.kubernetes.io/component in (server,daily-cycle)'
for service in "${services[@]}"; do
  kubectl -n "$namespace" rollout status "deployment/$service" --timeout=10m
done
