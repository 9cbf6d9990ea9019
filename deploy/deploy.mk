# deploy/: container images and Kubernetes manifests. Included from the top-level Makefile
# (`include deploy/deploy.mk`); see docs/operations.md.

DEPLOY_PYTHON ?= .venv/bin/python
DEPLOY_OVERLAY ?= dev
DEPLOY_TAG ?= 0.1.0
DEPLOY_IMAGES := credit-inquiry monitoring collection restructuring bureau-simulator channel-simulator

.PHONY: deploy-check deploy-render deploy-images deploy-rollout

# Render every overlay, validate it against the Kubernetes schemas and the policy tests, lint the
# Dockerfiles, check docker-compose.yaml. A missing kubectl or hadolint fails here (not a skip).
deploy-check:
	POSTLOAN_DEPLOY_REQUIRE_TOOLS=1 $(DEPLOY_PYTHON) -m pytest tests/deploy -q

# Print the manifests of one overlay: make deploy-render DEPLOY_OVERLAY=prod
deploy-render:
	kubectl kustomize deploy/k8s/overlays/$(DEPLOY_OVERLAY)

# Build every image from the repository root (needs a Docker engine with BuildKit).
deploy-images:
	@for image in $(DEPLOY_IMAGES); do \
		docker build -f deploy/docker/$$image/Dockerfile -t postloan/$$image:$(DEPLOY_TAG) . || exit 1; \
	done

# Migrations first, then the new version: make deploy-rollout DEPLOY_OVERLAY=dev
deploy-rollout:
	deploy/scripts/rollout.sh $(DEPLOY_OVERLAY)
