"""Jurisdiction profile use cases: create a new version (validated, numbered per code under an
advisory lock), read the effective or a given version, list."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Final

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncEngine

from collection.adapters import contact_protobuf as pb
from collection.adapters.contact_repository import ContactRepository, Row, rules_from_row
from collection.domain.jurisdiction import JurisdictionRules, ProfileReasons, hours_are_impossible
from postloan.collection.v1 import collection_pb2, resources_pb2
from postloan_runtime.clock import Clock
from postloan_runtime.errors import FailedPrecondition, NotFound
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.unit_of_work import UnitOfWork

CREATE_METHOD: Final = (
    "/postloan.collection.v1.JurisdictionProfileService/CreateJurisdictionProfileVersion"
)


def profile_to_proto(row: Row) -> resources_pb2.JurisdictionProfile:
    return pb.rules_to_proto(
        rules_from_row(row),
        profile_id=str(row["profile_id"]),
        created_at=row["created_at"],
        created_by=row["created_by"],
    )


async def create_version(
    engine: AsyncEngine,
    rules: JurisdictionRules,
    request_id: str,
    request: Message,
    *,
    effective_from: dt.datetime | None,
    clock: Clock,
    actor: str,
) -> collection_pb2.CreateJurisdictionProfileVersionResponse:
    """A new version of ``rules.code`` (version and effective_from assigned here: the next
    number; effective_from defaults to now and may not precede the latest version's)."""
    now = clock.now()
    if hours_are_impossible(rules):
        raise FailedPrecondition(
            ProfileReasons.IMPOSSIBLE_HOURS,
            "quiet hours that start where they end leave no time to contact anyone",
            {"quiet_hours_start_minute": str(rules.quiet_hours_start_minute)},
        )
    async with UnitOfWork(engine) as uow:
        repo = ContactRepository(uow.connection)

        async def effect() -> collection_pb2.CreateJurisdictionProfileVersionResponse:
            await repo.lock_profile_code(rules.code)
            latest = await repo.latest_profile(rules.code)
            starts = effective_from or now
            if latest is not None and starts < latest["effective_from"]:
                raise FailedPrecondition(
                    ProfileReasons.EFFECTIVE_BEFORE_LATEST,
                    "effective_from is before the latest version's",
                    {"code": rules.code, "latest_version": str(latest["version"])},
                )
            version = (latest["version"] + 1) if latest is not None else 1
            stored = dataclasses.replace(rules, version=version, effective_from=starts)
            row = await repo.insert_profile(
                {
                    "profile_id": uuid.uuid4(),
                    "code": stored.code,
                    "version": stored.version,
                    "effective_from": stored.effective_from,
                    "quiet_hours_start_minute": stored.quiet_hours_start_minute,
                    "quiet_hours_end_minute": stored.quiet_hours_end_minute,
                    "quiet_hours_waivable_by_consent": stored.quiet_hours_waivable_by_consent,
                    "max_connected_calls_per_day": stored.max_connected_calls_per_day,
                    "max_unanswered_calls_per_number_per_day": (
                        stored.max_unanswered_calls_per_number_per_day
                    ),
                    "max_calls_per_7_days": stored.max_calls_per_7_days,
                    "conversation_cool_off_days": stored.conversation_cool_off_days,
                    "call_channels": sorted(c.value for c in stored.call_channels),
                    "third_party_emergency_contacts_only": (
                        stored.third_party_emergency_contacts_only
                    ),
                    "max_third_party_contacts_per_7_days": (
                        stored.max_third_party_contacts_per_7_days
                    ),
                    "created_at": now,
                    "created_by": actor,
                }
            )
            return collection_pb2.CreateJurisdictionProfileVersionResponse(
                profile=profile_to_proto(row)
            )

        response = await run_idempotent_in_transaction(
            uow.connection,
            request_id=request_id,
            method=CREATE_METHOD,
            request=request,
            response_type=collection_pb2.CreateJurisdictionProfileVersionResponse,
            effect=effect,
            now=now,
        )
        await uow.commit()
    return response


async def get_profile(
    engine: AsyncEngine, code: str, version: int, *, clock: Clock
) -> resources_pb2.JurisdictionProfile:
    async with engine.connect() as conn:
        repo = ContactRepository(conn)
        if version:
            row = await repo.profile_version(code, version)
        else:
            row = await repo.effective_profile(code, clock.now())
    if row is None:
        raise NotFound("jurisdiction_profile", f"{code}@{version}" if version else code)
    return profile_to_proto(row)


async def list_profiles(
    engine: AsyncEngine, code: str | None, *, after: tuple[str, int] | None, page_size: int
) -> tuple[list[Row], bool]:
    async with engine.connect() as conn:
        rows = await ContactRepository(conn).list_profiles(code, after=after, limit=page_size + 1)
    return rows[:page_size], len(rows) > page_size
