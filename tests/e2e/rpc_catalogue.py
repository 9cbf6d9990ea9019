"""The RPCs of every service, with the permission each declares, and roles that hold or lack it."""

from __future__ import annotations

from postloan.collection.v1 import collection_pb2
from postloan.common.v1 import events_pb2  # noqa: F401 - registers EventFeedService
from postloan.credit_inquiry.v1 import credit_inquiry_pb2
from postloan.monitoring.v1 import monitoring_pb2
from postloan.restructuring.v1 import restructuring_pb2
from postloan_runtime.roles import ROLE_PERMISSIONS
from postloan_runtime.servicers import service_full_names
from postloan_runtime.testing.auth import MethodPermission, all_methods

SERVICE_PROTOS = {
    "credit_inquiry": credit_inquiry_pb2,
    "monitoring": monitoring_pb2,
    "collection": collection_pb2,
    "restructuring": restructuring_pb2,
}
EVENT_FEED = "postloan.common.v1.EventFeedService"


def methods_of(package: str) -> list[MethodPermission]:
    names = [*service_full_names(SERVICE_PROTOS[package]), EVENT_FEED]
    return [m for name in names for m in all_methods(name)]


def role_without(permission: str) -> str:
    return next(r for r, perms in sorted(ROLE_PERMISSIONS.items()) if permission not in perms)


def role_with(permission: str) -> str:
    return next(r for r, perms in sorted(ROLE_PERMISSIONS.items()) if permission in perms)
