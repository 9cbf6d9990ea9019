"""Debtor profile use cases: time zone and jurisdiction, contact points (stored encrypted with
a blind index, returned masked), do-not-contact flags and contact preferences. Every mutation is
one unit of work, idempotent by request_id."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final, TypeVar

from google.protobuf.message import Message
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from collection.adapters import contact_protobuf as pb
from collection.adapters.contact_repository import ContactRepository, Row
from collection.adapters.contact_tables import contact_points, debtor_profiles, do_not_contact_flags
from collection.domain.compliance import ContactWindow, DoNotContactReason, Party, PointKind
from collection.domain.jurisdiction import (
    DEFAULT_JURISDICTION,
    DEFAULT_TIME_ZONE,
    Channel,
    ProfileReasons,
)
from collection.service_layer.contacts import POINT_CONTEXT, point_row
from postloan.collection.v1 import collection_pb2
from postloan_runtime.clock import Clock
from postloan_runtime.errors import FailedPrecondition, NotFound
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.pii import PiiCipher, mask_mobile
from postloan_runtime.unit_of_work import UnitOfWork

SERVICE: Final = "/postloan.collection.v1.DebtorService/"
ResponseT = TypeVar("ResponseT", bound=Message)


class DebtorReasons:
    FLAG_ALREADY_CLEARED: Final = "FLAG_ALREADY_CLEARED"
    UNKNOWN_JURISDICTION: Final = ProfileReasons.UNKNOWN_JURISDICTION


@dataclass(frozen=True)
class UpdateProfileCommand:
    request_id: str
    borrower_id: str
    time_zone: str
    jurisdiction_code: str | None  # None: keep (CN when the profile is new)


@dataclass(frozen=True)
class RegisterPointCommand:
    request_id: str
    borrower_id: str
    party: Party
    kind: PointKind
    value: str  # personal data: only encrypted, hashed and masked from here on
    relationship: str | None
    emergency_contact: bool


@dataclass(frozen=True)
class DeactivatePointCommand:
    request_id: str
    contact_point_id: uuid.UUID
    reason: str


@dataclass(frozen=True)
class SetFlagCommand:
    request_id: str
    borrower_id: str
    reason: DoNotContactReason
    channel: Channel | None
    contact_point_id: uuid.UUID | None
    note: str
    expires_at: dt.datetime | None


@dataclass(frozen=True)
class ClearFlagCommand:
    request_id: str
    flag_id: uuid.UUID
    reason: str


@dataclass(frozen=True)
class PreferencesCommand:
    request_id: str
    borrower_id: str
    windows: tuple[ContactWindow, ...]
    quiet_hours_consent: bool


def mask_value(kind: PointKind, value: str) -> str:
    """``138****5678``, ``z***@example.com``, or the first two characters of an address."""
    value = value.strip()
    if kind is PointKind.PHONE:
        return mask_mobile(value)
    if kind is PointKind.EMAIL:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    return value[:2] + "***"


def normalized_value(kind: PointKind, value: str) -> str:
    """The form stored and sent: phone numbers without spaces or dashes, e-mail trimmed."""
    value = value.strip()
    if kind is PointKind.PHONE:
        return "".join(ch for ch in value if ch not in " -")
    return value


async def _profile_view(repo: ContactRepository, borrower_id: str, now: dt.datetime) -> Message:
    profile = await repo.debtor(borrower_id)
    if profile is None:
        raise NotFound("debtor_profile", borrower_id)
    points = await repo.contact_points_of(borrower_id)
    flags = await repo.flags_in_force(borrower_id, now)
    return pb.debtor_profile_to_proto(profile, points, flags)


async def get_profile(engine: AsyncEngine, borrower_id: str, *, clock: Clock) -> Message:
    async with engine.connect() as conn:
        return await _profile_view(ContactRepository(conn), borrower_id, clock.now())


async def _mutate(
    engine: AsyncEngine,
    *,
    request_id: str,
    method: str,
    request: Message,
    response_type: type[ResponseT],
    clock: Clock,
    effect: Callable[[ContactRepository, UnitOfWork, dt.datetime], Awaitable[ResponseT]],
) -> ResponseT:
    now = clock.now()
    async with UnitOfWork(engine) as uow:
        repo = ContactRepository(uow.connection)
        response = await run_idempotent_in_transaction(
            uow.connection,
            request_id=request_id,
            method=SERVICE + method,
            request=request,
            response_type=response_type,
            effect=lambda: effect(repo, uow, now),
            now=now,
        )
        await uow.commit()
    return response


async def _ensure_profile(
    repo: ContactRepository, uow: UnitOfWork, borrower_id: str, now: dt.datetime
) -> Row:
    """The debtor's profile, locked; created with the defaults (CN, Asia/Shanghai) if new."""
    await uow.connection.execute(
        insert(debtor_profiles)
        .values(
            borrower_id=borrower_id, time_zone=DEFAULT_TIME_ZONE,
            jurisdiction_code=DEFAULT_JURISDICTION, preferred_windows=[],
            created_at=now, updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["borrower_id"])
    )
    row = await repo.debtor(borrower_id, lock=True)
    assert row is not None  # noqa: S101 - inserted or existing above
    return row


async def update_profile(
    engine: AsyncEngine, command: UpdateProfileCommand, request: Message, *, clock: Clock
) -> collection_pb2.UpdateDebtorProfileResponse:
    async def effect(
        repo: ContactRepository, uow: UnitOfWork, now: dt.datetime
    ) -> collection_pb2.UpdateDebtorProfileResponse:
        if command.jurisdiction_code and not await repo.code_exists(command.jurisdiction_code):
            raise FailedPrecondition(
                DebtorReasons.UNKNOWN_JURISDICTION, "no jurisdiction profile with this code",
                {"jurisdiction_code": command.jurisdiction_code},
            )
        current = await _ensure_profile(repo, uow, command.borrower_id, now)
        await uow.connection.execute(
            debtor_profiles.update()
            .where(debtor_profiles.c.borrower_id == command.borrower_id)
            .values(
                time_zone=command.time_zone,
                jurisdiction_code=command.jurisdiction_code or current["jurisdiction_code"],
                updated_at=now,
            )
        )
        profile = await _profile_view(repo, command.borrower_id, now)
        return collection_pb2.UpdateDebtorProfileResponse(profile=profile)

    return await _mutate(
        engine, request_id=command.request_id, method="UpdateDebtorProfile", request=request,
        response_type=collection_pb2.UpdateDebtorProfileResponse, clock=clock, effect=effect,
    )


async def register_point(
    engine: AsyncEngine,
    command: RegisterPointCommand,
    request: Message,
    *,
    clock: Clock,
    cipher: PiiCipher,
) -> collection_pb2.RegisterContactPointResponse:
    """Register a contact point; the same active value again (same party and kind, found by
    its blind index) returns the existing point."""
    value = normalized_value(command.kind, command.value)
    blind = cipher.blind_index(value, context=POINT_CONTEXT)

    async def effect(
        repo: ContactRepository, uow: UnitOfWork, now: dt.datetime
    ) -> collection_pb2.RegisterContactPointResponse:
        await _ensure_profile(repo, uow, command.borrower_id, now)
        for existing in await repo.contact_points_of(command.borrower_id):
            if (
                existing["active"] and existing["value_blind_index"] == blind
                and existing["kind"] == command.kind.value
                and existing["party"] == command.party.value
            ):
                return collection_pb2.RegisterContactPointResponse(
                    contact_point=pb.contact_point_to_proto(existing)
                )
        contact_point_id = uuid.uuid4()
        result = await uow.connection.execute(
            contact_points.insert()
            .values(
                contact_point_id=contact_point_id,
                borrower_id=command.borrower_id,
                party=command.party.value,
                kind=command.kind.value,
                value_encrypted=cipher.encrypt(
                    value, context=POINT_CONTEXT,
                    row=point_row(contact_point_id, command.borrower_id),
                ),
                value_blind_index=blind,
                masked_value=mask_value(command.kind, value),
                relationship=command.relationship,
                emergency_contact=command.emergency_contact,
                active=True,
                created_at=now,
            )
            .returning(contact_points)
        )
        return collection_pb2.RegisterContactPointResponse(
            contact_point=pb.contact_point_to_proto(result.mappings().one())
        )

    return await _mutate(
        engine, request_id=command.request_id, method="RegisterContactPoint", request=request,
        response_type=collection_pb2.RegisterContactPointResponse, clock=clock, effect=effect,
    )


async def deactivate_point(
    engine: AsyncEngine, command: DeactivatePointCommand, request: Message, *, clock: Clock
) -> collection_pb2.DeactivateContactPointResponse:
    async def effect(
        repo: ContactRepository, uow: UnitOfWork, now: dt.datetime
    ) -> collection_pb2.DeactivateContactPointResponse:
        row = await repo.contact_point(command.contact_point_id, lock=True)
        if row is None:
            raise NotFound("contact_point", str(command.contact_point_id))
        if row["active"]:
            result = await uow.connection.execute(
                contact_points.update()
                .where(contact_points.c.contact_point_id == command.contact_point_id)
                .values(active=False, deactivated_at=now, deactivation_reason=command.reason)
                .returning(contact_points)
            )
            row = result.mappings().one()
        return collection_pb2.DeactivateContactPointResponse(
            contact_point=pb.contact_point_to_proto(row)
        )

    return await _mutate(
        engine, request_id=command.request_id, method="DeactivateContactPoint", request=request,
        response_type=collection_pb2.DeactivateContactPointResponse, clock=clock, effect=effect,
    )


async def set_flag(
    engine: AsyncEngine, command: SetFlagCommand, request: Message, *, clock: Clock, actor: str
) -> collection_pb2.SetDoNotContactFlagResponse:
    async def effect(
        repo: ContactRepository, uow: UnitOfWork, now: dt.datetime
    ) -> collection_pb2.SetDoNotContactFlagResponse:
        if await repo.debtor(command.borrower_id, lock=True) is None:
            raise NotFound("debtor_profile", command.borrower_id)
        if command.contact_point_id is not None:
            point = await repo.contact_point(command.contact_point_id)
            if point is None or point["borrower_id"] != command.borrower_id:
                raise NotFound("contact_point", str(command.contact_point_id))
        result = await uow.connection.execute(
            do_not_contact_flags.insert()
            .values(
                flag_id=uuid.uuid4(),
                borrower_id=command.borrower_id,
                reason=command.reason.value,
                channel=command.channel.value if command.channel else None,
                contact_point_id=command.contact_point_id,
                note=command.note,
                set_at=now,
                set_by=actor,
                expires_at=command.expires_at,
            )
            .returning(do_not_contact_flags)
        )
        return collection_pb2.SetDoNotContactFlagResponse(
            flag=pb.flag_to_proto(result.mappings().one())
        )

    return await _mutate(
        engine, request_id=command.request_id, method="SetDoNotContactFlag", request=request,
        response_type=collection_pb2.SetDoNotContactFlagResponse, clock=clock, effect=effect,
    )


async def clear_flag(
    engine: AsyncEngine, command: ClearFlagCommand, request: Message, *, clock: Clock, actor: str
) -> collection_pb2.ClearDoNotContactFlagResponse:
    async def effect(
        repo: ContactRepository, uow: UnitOfWork, now: dt.datetime
    ) -> collection_pb2.ClearDoNotContactFlagResponse:
        row = await repo.flag(command.flag_id, lock=True)
        if row is None:
            raise NotFound("do_not_contact_flag", str(command.flag_id))
        if row["cleared_at"] is not None:
            raise FailedPrecondition(
                DebtorReasons.FLAG_ALREADY_CLEARED, "the flag is already cleared",
                {"flag_id": str(command.flag_id)},
            )
        result = await uow.connection.execute(
            do_not_contact_flags.update()
            .where(do_not_contact_flags.c.flag_id == command.flag_id)
            .values(cleared_at=now, cleared_by=actor, clear_reason=command.reason)
            .returning(do_not_contact_flags)
        )
        return collection_pb2.ClearDoNotContactFlagResponse(
            flag=pb.flag_to_proto(result.mappings().one())
        )

    return await _mutate(
        engine, request_id=command.request_id, method="ClearDoNotContactFlag", request=request,
        response_type=collection_pb2.ClearDoNotContactFlagResponse, clock=clock, effect=effect,
    )


async def set_preferences(
    engine: AsyncEngine, command: PreferencesCommand, request: Message, *, clock: Clock
) -> collection_pb2.SetContactPreferencesResponse:
    async def effect(
        repo: ContactRepository, uow: UnitOfWork, now: dt.datetime
    ) -> collection_pb2.SetContactPreferencesResponse:
        current = await repo.debtor(command.borrower_id, lock=True)
        if current is None:
            raise NotFound("debtor_profile", command.borrower_id)
        consent_at = None
        if command.quiet_hours_consent:
            consent_at = current["quiet_hours_consent_at"] or now
        await uow.connection.execute(
            debtor_profiles.update()
            .where(debtor_profiles.c.borrower_id == command.borrower_id)
            .values(
                preferred_windows=[
                    {
                        "days_of_week": sorted(w.days_of_week),
                        "start_minute": w.start_minute,
                        "end_minute": w.end_minute,
                    }
                    for w in command.windows
                ],
                quiet_hours_consent_at=consent_at,
                updated_at=now,
            )
        )
        profile = await _profile_view(repo, command.borrower_id, now)
        return collection_pb2.SetContactPreferencesResponse(profile=profile)

    return await _mutate(
        engine, request_id=command.request_id, method="SetContactPreferences", request=request,
        response_type=collection_pb2.SetContactPreferencesResponse, clock=clock, effect=effect,
    )
