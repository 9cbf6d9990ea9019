"""SQLAlchemy Core access to the contact slice's tables on the caller's connection (the unit of
work's transaction). Rows come back as mappings; the domain values the gate needs are built
here."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import and_, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from collection.adapters.case_tables import agents, cases
from collection.adapters.contact_tables import (
    contact_attempts,
    contact_checks,
    contact_points,
    debtor_profiles,
    do_not_contact_flags,
    jurisdiction_profiles,
)
from collection.domain.compliance import (
    ContactPointView,
    ContactWindow,
    DebtorContactProfile,
    DoNotContactFlag,
    DoNotContactReason,
    Party,
    PastContact,
    PointKind,
)
from collection.domain.jurisdiction import Channel, JurisdictionRules

# A row read by column name: a ``RowMapping`` from ``Result.mappings()`` or a plain dict copy.
# The key is Any because RowMapping also accepts Column keys and Mapping is invariant in it.
Row: TypeAlias = Mapping[Any, Any]


def rules_from_row(row: Row) -> JurisdictionRules:
    return JurisdictionRules(
        code=row["code"],
        version=row["version"],
        effective_from=row["effective_from"],
        quiet_hours_start_minute=row["quiet_hours_start_minute"],
        quiet_hours_end_minute=row["quiet_hours_end_minute"],
        quiet_hours_waivable_by_consent=row["quiet_hours_waivable_by_consent"],
        max_connected_calls_per_day=row["max_connected_calls_per_day"],
        max_unanswered_calls_per_number_per_day=row["max_unanswered_calls_per_number_per_day"],
        max_calls_per_7_days=row["max_calls_per_7_days"],
        conversation_cool_off_days=row["conversation_cool_off_days"],
        call_channels=frozenset(Channel(c) for c in row["call_channels"]),
        third_party_emergency_contacts_only=row["third_party_emergency_contacts_only"],
        max_third_party_contacts_per_7_days=row["max_third_party_contacts_per_7_days"],
    )


def point_view(row: Row) -> ContactPointView:
    return ContactPointView(
        contact_point_id=str(row["contact_point_id"]),
        party=Party(row["party"]),
        kind=PointKind(row["kind"]),
        active=row["active"],
        emergency_contact=row["emergency_contact"],
    )


def flag_from_row(row: Row) -> DoNotContactFlag:
    return DoNotContactFlag(
        flag_id=str(row["flag_id"]),
        reason=DoNotContactReason(row["reason"]),
        channel=Channel(row["channel"]) if row["channel"] else None,
        contact_point_id=str(row["contact_point_id"]) if row["contact_point_id"] else None,
        set_at=row["set_at"],
        expires_at=row["expires_at"],
        cleared_at=row["cleared_at"],
    )


def debtor_from_rows(profile: Row, flags: Sequence[Row]) -> DebtorContactProfile:
    return DebtorContactProfile(
        borrower_id=profile["borrower_id"],
        time_zone=profile["time_zone"],
        jurisdiction_code=profile["jurisdiction_code"],
        flags=tuple(flag_from_row(f) for f in flags),
        preferred_windows=tuple(
            ContactWindow(
                days_of_week=frozenset(w["days_of_week"]),
                start_minute=w["start_minute"],
                end_minute=w["end_minute"],
            )
            for w in profile["preferred_windows"]
        ),
        quiet_hours_consent_at=profile["quiet_hours_consent_at"],
    )


@dataclass(frozen=True)
class CheckFilter:
    case_id: str | None = None
    borrower_id: str | None = None
    decision: str | None = None
    checked_from: dt.datetime | None = None
    checked_until: dt.datetime | None = None


@dataclass(frozen=True)
class AttemptFilter:
    case_id: str | None = None
    borrower_id: str | None = None
    agent_id: str | None = None
    agency_id: str | None = None
    started_from: dt.datetime | None = None
    started_until: dt.datetime | None = None


class ContactRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    # --- jurisdiction profiles --------------------------------------------------------------

    async def effective_profile(self, code: str, at: dt.datetime) -> Row | None:
        """The newest version of ``code`` effective at ``at``."""
        t = jurisdiction_profiles
        result = await self._conn.execute(
            select(t)
            .where(t.c.code == code, t.c.effective_from <= at)
            .order_by(t.c.version.desc())
            .limit(1)
        )
        return result.mappings().first()

    async def profile_version(self, code: str, version: int) -> Row | None:
        t = jurisdiction_profiles
        result = await self._conn.execute(
            select(t).where(t.c.code == code, t.c.version == version)
        )
        return result.mappings().first()

    async def latest_profile(self, code: str) -> Row | None:
        t = jurisdiction_profiles
        result = await self._conn.execute(
            select(t).where(t.c.code == code).order_by(t.c.version.desc()).limit(1)
        )
        return result.mappings().first()

    async def code_exists(self, code: str) -> bool:
        t = jurisdiction_profiles
        found = await self._conn.scalar(select(t.c.profile_id).where(t.c.code == code).limit(1))
        return found is not None

    async def lock_profile_code(self, code: str) -> None:
        """Serialize version creation per code (transaction-scoped advisory lock)."""
        await self._conn.execute(
            select(func.pg_advisory_xact_lock(func.hashtext("jurisdiction:" + code)))
        )

    async def insert_profile(self, values: dict[str, Any]) -> Row:
        result = await self._conn.execute(
            jurisdiction_profiles.insert().values(**values).returning(jurisdiction_profiles)
        )
        return result.mappings().one()

    async def list_profiles(
        self, code: str | None, *, after: tuple[str, int] | None, limit: int
    ) -> list[Row]:
        t = jurisdiction_profiles
        query = select(t)
        if code:
            query = query.where(t.c.code == code)
        if after is not None:
            after_code, after_version = after
            query = query.where(
                or_(
                    t.c.code > after_code,
                    and_(t.c.code == after_code, t.c.version < after_version),
                )
            )
        result = await self._conn.execute(
            query.order_by(t.c.code, t.c.version.desc()).limit(limit)
        )
        return list(result.mappings())

    # --- debtor profiles, contact points, flags ---------------------------------------------

    async def debtor(
        self, borrower_id: str, *, lock: bool = False, agency_of_agent: str | None = None
    ) -> Row | None:
        """The debtor's profile row. With ``agency_of_agent``, the same round trip also reads
        the agency that agent works for, as ``agent_agency_id`` (None: in-house or unknown)."""
        query = select(debtor_profiles).where(debtor_profiles.c.borrower_id == borrower_id)
        if agency_of_agent is not None:
            query = query.add_columns(
                select(agents.c.agency_id)
                .where(agents.c.agent_id == agency_of_agent)
                .scalar_subquery()
                .label("agent_agency_id")
            )
        if lock:
            query = query.with_for_update(of=debtor_profiles)
        return (await self._conn.execute(query)).mappings().first()

    async def case_of_borrower(self, case_id: uuid.UUID, borrower_id: str) -> Row | None:
        """The case (its id, state, assignee ``agent_id`` and placement ``agency_id``) when it
        is this borrower's; None otherwise."""
        query = select(cases.c.case_id, cases.c.state, cases.c.agent_id, cases.c.agency_id).where(
            cases.c.case_id == case_id, cases.c.borrower_id == borrower_id
        )
        return (await self._conn.execute(query)).mappings().first()

    async def contact_point(self, contact_point_id: uuid.UUID, *, lock: bool = False) -> Row | None:
        query = select(contact_points).where(
            contact_points.c.contact_point_id == contact_point_id
        )
        if lock:
            query = query.with_for_update()
        return (await self._conn.execute(query)).mappings().first()

    async def contact_points_of(self, borrower_id: str) -> list[Row]:
        result = await self._conn.execute(
            select(contact_points)
            .where(contact_points.c.borrower_id == borrower_id)
            .order_by(contact_points.c.created_at, contact_points.c.contact_point_id)
        )
        return list(result.mappings())

    async def flags_in_force(self, borrower_id: str, at: dt.datetime) -> list[Row]:
        f = do_not_contact_flags
        result = await self._conn.execute(
            select(f)
            .where(
                f.c.borrower_id == borrower_id,
                f.c.cleared_at.is_(None),
                or_(f.c.expires_at.is_(None), f.c.expires_at > at),
            )
            .order_by(f.c.set_at, f.c.flag_id)
        )
        return list(result.mappings())

    async def flag(self, flag_id: uuid.UUID, *, lock: bool = False) -> Row | None:
        query = select(do_not_contact_flags).where(do_not_contact_flags.c.flag_id == flag_id)
        if lock:
            query = query.with_for_update()
        return (await self._conn.execute(query)).mappings().first()

    # --- gate history, checks, attempts -----------------------------------------------------

    async def recent_contacts(
        self, borrower_id: str, *, since: dt.datetime, now: dt.datetime
    ) -> list[PastContact]:
        """Attempts started since ``since`` and clearances still holding a slot at ``now``."""
        a = contact_attempts
        attempts = await self._conn.execute(
            select(
                a.c.channel, a.c.party, a.c.contact_point_id, a.c.started_at, a.c.connected,
                a.c.conversation,
            ).where(a.c.borrower_id == borrower_id, a.c.started_at >= since)
        )
        c = contact_checks
        clearances = await self._conn.execute(
            select(c.c.channel, c.c.party, c.c.contact_point_id, c.c.planned_at).where(
                c.c.borrower_id == borrower_id,
                c.c.decision == "ALLOWED",
                c.c.used_at.is_(None),
                c.c.released_at.is_(None),
                c.c.clearance_expires_at > now,
            )
        )
        past = [
            PastContact(
                channel=Channel(r.channel),
                party=Party(r.party),
                contact_point_id=str(r.contact_point_id) if r.contact_point_id else None,
                at=r.started_at,
                connected=r.connected,
                conversation=r.conversation,
            )
            for r in attempts
        ]
        past.extend(
            PastContact(
                channel=Channel(r.channel),
                party=Party(r.party),
                contact_point_id=str(r.contact_point_id) if r.contact_point_id else None,
                at=r.planned_at,
                pending=True,
            )
            for r in clearances
        )
        return past

    async def insert_check(self, values: dict[str, Any]) -> Row:
        result = await self._conn.execute(
            contact_checks.insert().values(**values).returning(contact_checks)
        )
        return result.mappings().one()

    async def check(self, check_id: uuid.UUID, *, lock: bool = False) -> Row | None:
        query = select(contact_checks).where(contact_checks.c.check_id == check_id)
        if lock:
            query = query.with_for_update()
        return (await self._conn.execute(query)).mappings().first()

    async def mark_check(self, check_id: uuid.UUID, **values: Any) -> None:
        await self._conn.execute(
            update(contact_checks).where(contact_checks.c.check_id == check_id).values(**values)
        )

    async def insert_attempt(self, values: dict[str, Any]) -> Row:
        result = await self._conn.execute(
            contact_attempts.insert().values(**values).returning(contact_attempts)
        )
        return result.mappings().one()

    async def attempt_for_check(self, check_id: uuid.UUID) -> Row | None:
        result = await self._conn.execute(
            select(contact_attempts).where(contact_attempts.c.check_id == check_id)
        )
        return result.mappings().first()

    async def list_checks(
        self, where: CheckFilter, *, after: tuple[dt.datetime, uuid.UUID] | None, limit: int
    ) -> list[Row]:
        c = contact_checks
        query = select(c)
        if where.case_id:
            query = query.where(c.c.case_id == where.case_id)
        if where.borrower_id:
            query = query.where(c.c.borrower_id == where.borrower_id)
        if where.decision:
            query = query.where(c.c.decision == where.decision)
        if where.checked_from:
            query = query.where(c.c.checked_at >= where.checked_from)
        if where.checked_until:
            query = query.where(c.c.checked_at < where.checked_until)
        if after is not None:
            query = query.where(tuple_(c.c.checked_at, c.c.check_id) < tuple_(*after))
        result = await self._conn.execute(
            query.order_by(c.c.checked_at.desc(), c.c.check_id.desc()).limit(limit)
        )
        return list(result.mappings())

    async def list_attempts(
        self, where: AttemptFilter, *, after: tuple[dt.datetime, uuid.UUID] | None, limit: int
    ) -> list[Row]:
        a = contact_attempts
        query = select(a)
        if where.case_id:
            query = query.where(a.c.case_id == where.case_id)
        if where.borrower_id:
            query = query.where(a.c.borrower_id == where.borrower_id)
        if where.agent_id:
            query = query.where(a.c.agent_id == where.agent_id)
        if where.agency_id:
            query = query.where(a.c.agency_id == where.agency_id)
        if where.started_from:
            query = query.where(a.c.started_at >= where.started_from)
        if where.started_until:
            query = query.where(a.c.started_at < where.started_until)
        if after is not None:
            query = query.where(tuple_(a.c.started_at, a.c.attempt_id) < tuple_(*after))
        result = await self._conn.execute(
            query.order_by(a.c.started_at.desc(), a.c.attempt_id.desc()).limit(limit)
        )
        return list(result.mappings())
