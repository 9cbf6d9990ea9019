"""Every rendered built-in object validates against the Kubernetes OpenAPI schemas (strict:
unknown fields are errors). Custom resources have no offline schema; they are listed by name in
a warning and checked structurally in test_deploy_k8s_policy.py."""

from __future__ import annotations

import copy
import warnings

import kubernetes_validate
import pytest
from deploy_checks import OVERLAYS, Manifest, by_kind

pytestmark = pytest.mark.unit

# Oldest Kubernetes we support (native gRPC probes, CronJob timeZone and PSS labels are GA) and
# the newest schema kubernetes-validate ships: catches both too-new fields and removed APIs.
K8S_VERSIONS = ("1.29.0", kubernetes_validate.latest_version())
# Custom resources we knowingly ship; anything else without a schema is a typo'd apiVersion/kind.
KNOWN_CUSTOM_RESOURCES = {("postgresql.cnpg.io/v1", "Cluster")}


def _name(obj: Manifest) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_every_builtin_object_validates_strictly(render, overlay: str, version: str) -> None:
    errors: list[str] = []
    not_validated: list[str] = []
    for obj in render(overlay):
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            assert (obj["apiVersion"], obj["kind"]) in KNOWN_CUSTOM_RESOURCES, (
                f"{overlay}: no Kubernetes {version} schema for {obj['apiVersion']} "
                f"{_name(obj)} and it is not a known custom resource"
            )
            not_validated.append(_name(obj))
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(p) for p in error.path)
            errors.append(f"{_name(obj)}: {path}: {error.message}")
    assert not errors, f"{overlay} against Kubernetes {version}:\n" + "\n".join(errors)
    if not_validated:
        warnings.warn(
            f"{overlay}: custom resources not schema-validated (no offline CRD schema): "
            + ", ".join(not_validated),
            stacklevel=1,
        )


def test_validator_rejects_a_broken_deployment(render) -> None:
    """Negative control: the strict validation above really catches mistakes."""
    deployment = copy.deepcopy(by_kind(render("dev"), "Deployment")["monitoring"])
    kubernetes_validate.validate(deployment, K8S_VERSIONS[0], strict=True)

    typo = copy.deepcopy(deployment)
    typo["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"grpc": {"port": 1}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(typo, K8S_VERSIONS[0], strict=True)

    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "grpc"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong_type, K8S_VERSIONS[0], strict=True)
