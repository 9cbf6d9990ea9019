"""Policy checks over the rendered overlays: what ops and security expect of every object.

Each test asserts concrete values per object, so a manifest that drops a probe, a limit, a
hardening flag, a NetworkPolicy rule or a partition setting makes it fail.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from deploy_checks import (
    DEFAULT_SHUTDOWN_GRACE_SECONDS,
    OVERLAYS,
    SERVICES,
    WORKLOAD_KINDS,
    Manifest,
    by_kind,
    pod_labels,
    pod_spec,
)

pytestmark = [pytest.mark.unit, pytest.mark.parametrize("overlay", OVERLAYS)]

SERVER = {"app.kubernetes.io/component": "server"}

# Who may open connections to whom among the services: gRPC calls and event-feed subscriptions
# (the consumer calls SubscribeEvents on the producer). Nothing else may be allowed.
CALL_PATHS = {
    ("restructuring", "monitoring"),  # schedule replacement + monitoring's feed
    ("restructuring", "collection"),
    ("collection", "monitoring"),
    ("collection", "restructuring"),
    ("collection", "credit-inquiry"),
    ("monitoring", "credit-inquiry"),
    ("monitoring", "restructuring"),
}


def _containers(spec: Manifest) -> list[Manifest]:
    return list(spec.get("initContainers", [])) + list(spec["containers"])


def _env(container: Manifest) -> dict[str, Any]:
    return {e["name"]: e for e in container.get("env", [])}


def _workloads(objects) -> list[Manifest]:
    return [o for o in objects if o["kind"] in WORKLOAD_KINDS]


def _servers(objects) -> dict[str, Manifest]:
    deployments = by_kind(objects, "Deployment")
    servers = {
        name: d
        for name, d in deployments.items()
        if d["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component")
        == "server"
    }
    assert set(servers) == set(SERVICES), f"server Deployments: {sorted(servers)}"
    return servers


# ---------------------------------------------------------------- every workload, every pod


def test_every_pod_is_hardened(render, overlay: str) -> None:
    for workload in _workloads(render(overlay)):
        name = f"{workload['kind']}/{workload['metadata']['name']}"
        spec = pod_spec(workload)
        pod_sc = spec.get("securityContext", {})
        assert pod_sc.get("runAsNonRoot") is True, name
        assert pod_sc.get("runAsUser", 0) > 0, name
        assert pod_sc.get("seccompProfile", {}).get("type") == "RuntimeDefault", name
        assert spec.get("automountServiceAccountToken") is False, name
        assert not spec.get("hostNetwork") and not spec.get("hostPID"), name
        for container in _containers(spec):
            where = f"{name} container {container['name']}"
            sc = container.get("securityContext", {})
            assert sc.get("allowPrivilegeEscalation") is False, where
            assert sc.get("readOnlyRootFilesystem") is True, where
            assert sc.get("runAsNonRoot") is True, where
            assert sc.get("privileged", False) is False, where
            assert sc.get("capabilities", {}).get("drop") == ["ALL"], where
            assert not sc.get("capabilities", {}).get("add"), where


def test_every_container_has_requests_and_limits(render, overlay: str) -> None:
    for workload in _workloads(render(overlay)):
        for container in _containers(pod_spec(workload)):
            where = f"{workload['kind']}/{workload['metadata']['name']} {container['name']}"
            resources = container.get("resources", {})
            for section in ("requests", "limits"):
                assert set(resources.get(section, {})) >= {"cpu", "memory"}, f"{where} {section}"


def test_every_image_is_pinned(render, overlay: str) -> None:
    for workload in _workloads(render(overlay)):
        for container in _containers(pod_spec(workload)):
            image = container["image"]
            where = f"{workload['metadata']['name']}: {image}"
            if "@sha256:" in image:
                continue
            last = image.rsplit("/", 1)[-1]
            assert ":" in last, f"untagged image {where}"
            assert last.rsplit(":", 1)[1] not in ("latest", ""), f"latest image {where}"
    # The Cluster resources (prod) name their PostgreSQL image too.
    for cluster in by_kind(render(overlay), "Cluster").values():
        tag = cluster["spec"]["imageName"].rsplit(":", 1)
        assert len(tag) == 2 and tag[1] != "latest", cluster["metadata"]["name"]


def test_long_running_pods_have_readiness_and_liveness(render, overlay: str) -> None:
    for workload in render(overlay):
        if workload["kind"] not in ("Deployment", "StatefulSet"):
            continue
        for container in pod_spec(workload)["containers"]:
            where = f"{workload['metadata']['name']}/{container['name']}"
            assert "readinessProbe" in container and "livenessProbe" in container, where


def test_no_secret_values_are_rendered(render, overlay: str) -> None:
    objects = render(overlay)
    assert not by_kind(objects, "Secret"), "Secrets are referenced by name, never committed"
    credentials_in_url = re.compile(r"://[^/@\s:]+:[^/@\s]+@")
    for workload in _workloads(objects):
        for container in _containers(pod_spec(workload)):
            for env in container.get("env", []):
                assert not credentials_in_url.search(str(env.get("value", ""))), env["name"]
            db = _env(container).get("DATABASE_URL")
            if db is not None:
                assert "value" not in db, f"{workload['metadata']['name']}: DATABASE_URL literal"
                assert db["valueFrom"]["secretKeyRef"]["key"] == "uri"
    for config_map in by_kind(objects, "ConfigMap").values():
        for value in config_map.get("data", {}).values():
            assert not credentials_in_url.search(value), config_map["metadata"]["name"]


def test_namespace_enforces_restricted_pod_security(render, overlay: str) -> None:
    (namespace,) = by_kind(render(overlay), "Namespace").values()
    labels = namespace["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


# ---------------------------------------------------------------- the four services


def test_server_deployments(render, overlay: str) -> None:
    objects = render(overlay)
    for kebab, deployment in _servers(objects).items():
        _, port = SERVICES[kebab]
        spec = deployment["spec"]
        # The HorizontalPodAutoscaler owns the replica count.
        assert "replicas" not in spec, kebab
        assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0, kebab
        pod = pod_spec(deployment)
        assert pod["serviceAccountName"] == kebab
        keys = {v["name"]: v for v in pod["volumes"]}["keys"]
        assert keys["secret"]["secretName"] == f"{kebab}-keys"
        assert {c["topologyKey"] for c in pod["topologySpreadConstraints"]} >= {
            "topology.kubernetes.io/zone",
            "kubernetes.io/hostname",
        }
        (container,) = pod["containers"]
        assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"grpc": port}
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["grpc"]["port"] == port, f"{kebab} {probe}"
            assert set(container[probe]) & {"httpGet", "tcpSocket", "exec"} == set()
        env = _env(container)
        assert env["POSTLOAN_GRPC_HOST"]["value"] == "0.0.0.0", kebab
        assert env["POSTLOAN_GRPC_PORT"]["value"] == str(port), kebab
        assert env["OTEL_SERVICE_NAME"]["value"] == kebab
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == f"{kebab}-db-app"
        # Kubernetes must wait longer than preStop + the service's own drain before SIGKILL.
        grace = float(
            env.get("POSTLOAN_SHUTDOWN_GRACE_SECONDS", {}).get(
                "value", DEFAULT_SHUTDOWN_GRACE_SECONDS
            )
        )
        pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("exec", {})
        pre_stop_seconds = float(pre_stop["command"][1]) if pre_stop else 0.0
        assert pod["terminationGracePeriodSeconds"] > pre_stop_seconds + grace, kebab


def test_one_service_account_per_service(render, overlay: str) -> None:
    accounts = by_kind(render(overlay), "ServiceAccount")
    for kebab in SERVICES:
        assert accounts[kebab].get("automountServiceAccountToken") is False, kebab
    used = [pod_spec(d)["serviceAccountName"] for d in _servers(render(overlay)).values()]
    assert len(used) == len(set(used)) == len(SERVICES)


def test_services_expose_a_port_named_grpc(render, overlay: str) -> None:
    objects = render(overlay)
    services = by_kind(objects, "Service")
    for kebab, deployment in _servers(objects).items():
        service = services[kebab]
        assert [(p["name"], p["port"]) for p in service["spec"]["ports"]] == [
            ("grpc", SERVICES[kebab][1])
        ]
        selector = service["spec"]["selector"]
        assert selector.items() <= pod_labels(deployment).items(), kebab
        assert selector.get("app.kubernetes.io/component") == "server", (
            f"{kebab}: the Service must not select migration or daily-cycle pods"
        )


def test_pdb_and_hpa_per_service(render, overlay: str) -> None:
    objects = render(overlay)
    pdbs = by_kind(objects, "PodDisruptionBudget")
    hpas = by_kind(objects, "HorizontalPodAutoscaler")
    for kebab, deployment in _servers(objects).items():
        selector = pdbs[kebab]["spec"]["selector"]["matchLabels"]
        assert selector.items() <= pod_labels(deployment).items(), kebab
        assert selector.get("app.kubernetes.io/component") == "server", kebab
        hpa = hpas[kebab]["spec"]
        assert hpa["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": kebab,
        }
        assert 1 <= hpa["minReplicas"] <= hpa["maxReplicas"], kebab
        if overlay == "prod":
            # With maxUnavailable 1, two replicas must stay up during a node drain.
            assert hpa["minReplicas"] >= 3, kebab


def test_migration_job_per_service(render, overlay: str) -> None:
    objects = render(overlay)
    jobs = by_kind(objects, "Job")
    for kebab, deployment in _servers(objects).items():
        job = jobs[f"{kebab}-migrate"]
        assert job["spec"].get("parallelism", 1) == 1, "Alembic takes no lock: one pod at a time"
        pod = pod_spec(job)
        assert pod["restartPolicy"] == "Never"
        assert pod["serviceAccountName"] == kebab
        (container,) = pod["containers"]
        assert container["args"] == ["migrate"], kebab
        assert "command" not in container, f"{kebab}: keep the image's ENTRYPOINT python -m <pkg>"
        assert container["image"] == pod_spec(deployment)["containers"][0]["image"], kebab
        db = _env(container)["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"]
        assert db == f"{kebab}-db-app"
        assert pod_labels(job)["app.kubernetes.io/component"] == "migration"


def test_pii_reencryption_is_an_on_demand_job_of_each_service_holding_pii(
    render, overlay: str
) -> None:
    objects = render(overlay)
    crons = by_kind(objects, "CronJob")
    servers = _servers(objects)
    holders = {"credit-inquiry": "credit_inquiry", "collection": "collection"}
    assert {name for name in crons if name.endswith("-reencrypt-pii")} == {
        f"{kebab}-reencrypt-pii" for kebab in holders
    }
    for kebab, package in holders.items():
        cron = crons[f"{kebab}-reencrypt-pii"]
        assert cron["spec"]["suspend"] is True, f"{kebab}: runs only when an operator starts it"
        assert cron["spec"]["concurrencyPolicy"] == "Forbid"
        pod = pod_spec(cron)
        assert pod["serviceAccountName"] == kebab and pod["restartPolicy"] == "Never"
        (container,) = pod["containers"]
        assert container["command"] + container["args"] == [
            "postloan", "reencrypt-pii", "--service", package,
        ]
        assert container["image"] == pod_spec(servers[kebab])["containers"][0]["image"]
        env = _env(container)
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == f"{kebab}-db-app"
        keys_dir = env["POSTLOAN_KEYS_DIR"]["value"]
        mounted = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert mounted["keys"] == keys_dir, f"{kebab}: the key ring is read from {keys_dir}"
        assert volumes["keys"]["secret"]["secretName"] == f"{kebab}-keys"
        assert pod_labels(cron)["app.kubernetes.io/name"] == kebab  # its NetworkPolicy applies


def test_daily_cycle_is_an_indexed_job_with_k_partitions(render, overlay: str) -> None:
    objects = render(overlay)
    cron = by_kind(objects, "CronJob")["daily-cycle"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    job = cron["spec"]["jobTemplate"]["spec"]
    assert job["completionMode"] == "Indexed"
    k = job["completions"]
    assert job["parallelism"] == k and k >= 2
    (container,) = pod_spec(cron)["containers"]
    argv = container["command"] + container["args"]
    assert argv[:4] == ["postloan", "daily-cycle", "--business-date", "today"]
    assert argv[argv.index("--partition-index") + 1] == "$(JOB_COMPLETION_INDEX)"
    assert argv[argv.index("--partition-count") + 1] == str(k), "K must agree everywhere"
    monitoring = _servers(objects)["monitoring"]
    assert container["image"] == pod_spec(monitoring)["containers"][0]["image"]
    if overlay == "prod":
        assert k == 8


def test_telemetry_goes_through_the_redacting_collector(render, overlay: str) -> None:
    objects = render(overlay)
    endpoints = next(
        c for n, c in by_kind(objects, "ConfigMap").items() if n.startswith("postloan-endpoints")
    )
    assert endpoints["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4317"
    collector = by_kind(objects, "Deployment")["otel-collector"]
    image = pod_spec(collector)["containers"][0]["image"]
    assert image.startswith("otel/opentelemetry-collector-contrib:"), image
    backend = next(
        c
        for n, c in by_kind(objects, "ConfigMap").items()
        if n.startswith("otel-collector-backend")
    )["data"]
    if overlay == "dev":
        assert backend["TRACE_BACKEND_ENDPOINT"] == "jaeger:4317"
        assert "jaeger" in by_kind(objects, "Deployment")


def test_one_database_per_service(render, overlay: str) -> None:
    objects = render(overlay)
    if overlay == "dev":
        statefulsets = by_kind(objects, "StatefulSet")
        for kebab in SERVICES:
            db = statefulsets[f"{kebab}-db"]
            assert pod_labels(db)["postloan.io/database-of"] == kebab
            assert pod_spec(db)["containers"][0]["image"].startswith("postgres:15.")
            assert f"{kebab}-db-rw" in by_kind(objects, "Service")
    else:
        clusters = by_kind(objects, "Cluster")
        assert set(clusters) == {f"{k}-db" for k in SERVICES}
        for kebab in SERVICES:
            spec = clusters[f"{kebab}-db"]["spec"]
            assert spec["instances"] >= 3
            assert spec["inheritedMetadata"]["labels"]["postloan.io/database-of"] == kebab
            assert spec["bootstrap"]["initdb"] == {"database": "app", "owner": "app"}
            assert spec["storage"]["size"]


# ---------------------------------------------------------------- NetworkPolicies


def _matches(selector: Manifest, labels: dict[str, str]) -> bool:
    assert not selector.get("matchExpressions"), "evaluator handles matchLabels only"
    return selector.get("matchLabels", {}).items() <= labels.items()


def _peer_matches(peer: Manifest, labels: dict[str, str]) -> bool:
    """A peer selects a pod of this namespace only through a bare podSelector (namespace
    selectors here name other namespaces; ipBlocks name addresses outside the cluster)."""
    return (
        "podSelector" in peer
        and "namespaceSelector" not in peer
        and _matches(peer["podSelector"], labels)
    )


def _port_ok(rule: Manifest, port: int) -> bool:
    ports = rule.get("ports")
    return not ports or any(p.get("port") == port for p in ports)


def _side(policies, kind: str, selected: dict[str, str], other: dict[str, str], port: int) -> bool:
    """Does the `kind` ("Egress"/"Ingress") side of the pod `selected` admit `other`:port?"""
    applicable = [
        p
        for p in policies
        if _matches(p["spec"]["podSelector"], selected) and kind in p["spec"]["policyTypes"]
    ]
    if not applicable:
        return True  # not isolated in this direction
    key, peers = ("egress", "to") if kind == "Egress" else ("ingress", "from")
    return any(
        _port_ok(rule, port) and any(_peer_matches(peer, other) for peer in rule.get(peers, []))
        for p in applicable
        for rule in p["spec"].get(key) or []
    )


def _allowed(policies, source: dict[str, str], target: dict[str, str], port: int) -> bool:
    """Would a connection source->target:port pass both the egress and the ingress side?"""
    return _side(policies, "Egress", source, target, port) and _side(
        policies, "Ingress", target, source, port
    )


def _pods(objects) -> dict[str, dict[str, str]]:
    pods = {w["metadata"]["name"]: pod_labels(w) for w in _workloads(objects)}
    for cluster in by_kind(objects, "Cluster").values():
        name = cluster["metadata"]["name"]
        pods[name] = {**cluster["spec"]["inheritedMetadata"]["labels"], "cnpg.io/cluster": name}
    return pods


def test_default_deny_covers_the_namespace(render, overlay: str) -> None:
    policy = by_kind(render(overlay), "NetworkPolicy")["default-deny"]["spec"]
    assert policy["podSelector"] == {}
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    assert not policy.get("ingress") and not policy.get("egress")


def test_every_pod_has_its_own_network_policy(render, overlay: str) -> None:
    objects = render(overlay)
    policies = [p for n, p in by_kind(objects, "NetworkPolicy").items() if n != "default-deny"]
    for name, labels in _pods(objects).items():
        assert any(_matches(p["spec"]["podSelector"], labels) for p in policies), name
    for kebab in SERVICES:
        own = by_kind(objects, "NetworkPolicy")[kebab]["spec"]
        assert set(own["policyTypes"]) == {"Ingress", "Egress"}
        # lending frontends and ops reach every service's gRPC port from their namespaces
        assert any(
            peer.get("namespaceSelector", {}).get("matchLabels")
            == {"postloan.io/grpc-client": "true"}
            and _port_ok(rule, SERVICES[kebab][1])
            for rule in own["ingress"]
            for peer in rule["from"]
        ), kebab


def test_only_the_real_call_paths_are_open(render, overlay: str) -> None:
    objects = render(overlay)
    policies = list(by_kind(objects, "NetworkPolicy").values())
    pods = _pods(objects)
    open_paths = {
        (a, b)
        for a in SERVICES
        for b in SERVICES
        if a != b and _allowed(policies, pods[a], pods[b], SERVICES[b][1])
    }
    # and neither side opens more than the real paths on its own
    for kind in ("Egress", "Ingress"):
        one_sided = {
            (a, b)
            for a in SERVICES
            for b in SERVICES
            if a != b
            and (
                _side(policies, "Egress", pods[a], pods[b], SERVICES[b][1])
                if kind == "Egress"
                else _side(policies, "Ingress", pods[b], pods[a], SERVICES[b][1])
            )
        }
        assert one_sided == CALL_PATHS, f"{kind}: extra {sorted(one_sided - CALL_PATHS)}"
    assert open_paths == CALL_PATHS, (
        f"missing: {sorted(CALL_PATHS - open_paths)}, extra: {sorted(open_paths - CALL_PATHS)}"
    )
    # The daily cycle's workers reach monitoring's API and its database, nothing else's.
    cycle = pods["daily-cycle"]
    assert _allowed(policies, cycle, pods["monitoring"], SERVICES["monitoring"][1])
    assert not _allowed(policies, cycle, pods["collection"], SERVICES["collection"][1])


def test_each_service_reaches_only_its_own_database(render, overlay: str) -> None:
    objects = render(overlay)
    policies = list(by_kind(objects, "NetworkPolicy").values())
    pods = _pods(objects)
    for a in SERVICES:
        for b in SERVICES:
            reachable = _allowed(policies, pods[a], pods[f"{b}-db"], 5432)
            assert reachable == (a == b), f"{a} -> {b}-db: {reachable}"
        migrate = pods[f"{a}-migrate"]
        assert _allowed(policies, migrate, pods[f"{a}-db"], 5432), f"{a}-migrate"
        # every service exports telemetry to the collector; the collector calls no service
        assert _allowed(policies, pods[a], pods["otel-collector"], 4317), a
        assert not _allowed(policies, pods["otel-collector"], pods[a], SERVICES[a][1]), a


def test_external_systems_only_from_their_callers(render, overlay: str) -> None:
    objects = render(overlay)
    policies = list(by_kind(objects, "NetworkPolicy").values())
    pods = _pods(objects)
    if overlay == "dev":
        assert _allowed(policies, pods["credit-inquiry"], pods["bureau-simulator"], 50061)
        assert not _allowed(policies, pods["collection"], pods["bureau-simulator"], 50061)
        assert _allowed(policies, pods["collection"], pods["channel-simulator"], 50062)
        assert _allowed(policies, pods["collection"], pods["mailpit"], 1025)
        assert not _allowed(policies, pods["monitoring"], pods["mailpit"], 1025)
        assert _allowed(policies, pods["otel-collector"], pods["jaeger"], 4317)
    else:
        external = {
            n: p
            for n, p in by_kind(objects, "NetworkPolicy").items()
            if any("ipBlock" in peer for r in p["spec"].get("egress", []) for peer in r["to"])
        }
        selected = {
            p["spec"]["podSelector"]["matchLabels"].get("app.kubernetes.io/name")
            or p["spec"]["podSelector"]["matchLabels"]["cnpg.io/cluster"]
            for p in external.values()
        }
        # the bureau, the channel gateways, and each database's route to the API server
        assert selected == {"credit-inquiry", "collection"} | {f"{k}-db" for k in SERVICES}
        for policy in external.values():
            for rule in policy["spec"]["egress"]:
                for peer in rule["to"]:
                    if "ipBlock" in peer:
                        assert peer["ipBlock"]["cidr"] != "0.0.0.0/0", policy["metadata"]["name"]
                        assert rule.get("ports"), policy["metadata"]["name"]
