"""SQLAlchemy Core access to the contact slice's tables on the caller's connection (the unit of
work's transaction). Rows come back as mappings; the domain values the gate needs are built
here."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from sqlalchemy import and_, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

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
from postloan_runtime.direct_sql import DirectStatement, insert_sql

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


# --- the gate's reads: two statements ----------------------------------------------------------

_PROFILE_COLUMNS: Final = tuple(
    c.name for c in jurisdiction_profiles.columns if c.name not in ("created_at", "created_by")
)
# The debtor's row locked FOR UPDATE (checks of one debtor go one after another), with the
# agency of the checking agent, the contact point, the case and the jurisdiction profile in
# effect: none of these is ordered by the debtor's lock (their writers do not take it), so
# reading them with the lock costs no guarantee. The case is the one named (``:case_id``, of this
# borrower) or, when ``:live_case`` is true (``:case_id`` then NULL), the borrower's live case:
# at most one (uq_cases_borrower_live), so the join adds no row. No debtor: no row.
_GATE_SUBJECT: Final = DirectStatement(
    "SELECT d.borrower_id, d.time_zone, d.jurisdiction_code, d.preferred_windows,"
    " d.quiet_hours_consent_at,"
    " (SELECT g.agency_id FROM agents AS g WHERE g.agent_id = :agent_id) AS agent_agency_id,"
    " p.contact_point_id AS point_contact_point_id, p.borrower_id AS point_borrower_id,"
    " p.party AS point_party, p.kind AS point_kind, p.active AS point_active,"
    " p.emergency_contact AS point_emergency_contact,"
    " k.case_id AS case_case_id, k.state AS case_state, k.agent_id AS case_agent_id,"
    " k.agency_id AS case_agency_id, "
    + ", ".join(f"j.{c} AS profile_{c}" for c in _PROFILE_COLUMNS)
    + " FROM debtor_profiles AS d"
    " LEFT JOIN contact_points AS p ON p.contact_point_id = :contact_point_id"
    " LEFT JOIN cases AS k ON k.borrower_id = :borrower_id"
    " AND (k.case_id = :case_id OR (:live_case AND k.state <> 'CLOSED'))"
    " LEFT JOIN LATERAL (SELECT " + ", ".join(_PROFILE_COLUMNS)
    + " FROM jurisdiction_profiles WHERE code = d.jurisdiction_code AND effective_from <= :now"
    " ORDER BY version DESC LIMIT 1) AS j ON true"
    " WHERE d.borrower_id = :borrower_id"
    " FOR UPDATE OF d"
)
# Read after the lock (a statement of its own, so its snapshot includes every check and flag
# committed by whoever held the lock before): the flags in force, the attempts since ``since``
# and the clearances still holding a slot at ``now``. ``source``: 0 flag, 1 attempt, 2 clearance.
_GATE_HISTORY: Final = DirectStatement(
    "SELECT 0 AS source, f.flag_id, f.reason, f.channel, f.contact_point_id, f.set_at AS at,"
    " f.expires_at, f.cleared_at, NULL AS party, NULL AS connected, NULL AS conversation"
    " FROM do_not_contact_flags AS f"
    " WHERE f.borrower_id = :borrower_id AND f.cleared_at IS NULL"
    " AND (f.expires_at IS NULL OR f.expires_at > :planned_at)"
    " UNION ALL"
    " SELECT 1, NULL, NULL, a.channel, a.contact_point_id, a.started_at, NULL, NULL, a.party,"
    " a.connected, a.conversation"
    " FROM contact_attempts AS a"
    " WHERE a.borrower_id = :borrower_id AND a.started_at >= :since"
    " UNION ALL"
    " SELECT 2, NULL, NULL, c.channel, c.contact_point_id, c.planned_at, NULL, NULL, c.party,"
    " NULL, NULL"
    " FROM contact_checks AS c"
    " WHERE c.borrower_id = :borrower_id AND c.decision = 'ALLOWED' AND c.used_at IS NULL"
    " AND c.released_at IS NULL AND c.clearance_expires_at > :now"
    " ORDER BY source, at, flag_id"
)
_CHECK_COLUMNS: Final = tuple(
    c.name for c in contact_checks.columns if c.name not in ("used_at", "released_at")
)
_INSERT_CHECK: Final = DirectStatement(insert_sql("contact_checks", _CHECK_COLUMNS))


@dataclass(frozen=True)
class GateSubject:
    """What the gate reads with the debtor's lock (see :data:`_GATE_SUBJECT`)."""

    debtor: Row
    agent_agency_id: str | None
    point: Row | None  # contact_point_id, borrower_id, party, kind, active, emergency_contact
    case: Row | None  # case_id, state, agent_id, agency_id
    profile: Row | None  # the jurisdiction profile in effect (None: none in effect)


@dataclass(frozen=True)
class GateHistory:
    flags: list[Row]
    past: list[PastContact]


def _prefixed(row: Row, prefix: str) -> dict[str, Any]:
    return {k[len(prefix):]: v for k, v in row.items() if k.startswith(prefix)}


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

    async def debtor(self, borrower_id: str, *, lock: bool = False) -> Row | None:
        """The debtor's profile row."""
        query = select(debtor_profiles).where(debtor_profiles.c.borrower_id == borrower_id)
        if lock:
            query = query.with_for_update(of=debtor_profiles)
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

    # --- the gate -----------------------------------------------------------------------------

    async def gate_subject(
        self, borrower_id: str, *, agent_id: str | None, contact_point_id: uuid.UUID | None,
        case_id: uuid.UUID | None, live_case: bool = False, now: dt.datetime,
    ) -> GateSubject | None:
        """Lock the debtor's profile row and read what the gate needs besides the flags and
        the history (None: no such debtor); the case is ``case_id`` or, with ``live_case`` and
        no ``case_id``, the borrower's live (not closed) case. One round trip, except when the
        debtor row changed while this waited for its lock: PostgreSQL then rechecks the new row
        version but keeps the profile it joined for the old one, so a profile that does not
        match the debtor's jurisdiction (or none) is read again."""
        found = await _GATE_SUBJECT.fetchrow(
            self._conn,
            {"borrower_id": borrower_id, "agent_id": agent_id,
             "contact_point_id": contact_point_id, "case_id": case_id,
             "live_case": live_case and case_id is None, "now": now},
        )
        if found is None:
            return None
        row = found._mapping
        profile: Row | None = None
        if row["profile_code"] == row["jurisdiction_code"]:
            profile = _prefixed(row, "profile_")
        else:
            profile = await self.effective_profile(row["jurisdiction_code"], now)
        return GateSubject(
            debtor=row,
            agent_agency_id=row["agent_agency_id"],
            point=(
                _prefixed(row, "point_") if row["point_contact_point_id"] is not None else None
            ),
            case=_prefixed(row, "case_") if row["case_case_id"] is not None else None,
            profile=profile,
        )

    async def gate_history(
        self, borrower_id: str, *, planned_at: dt.datetime, since: dt.datetime, now: dt.datetime
    ) -> GateHistory:
        """After :meth:`gate_subject`: the flags in force at ``planned_at``, the attempts
        started since ``since`` and the clearances still holding a slot at ``now``."""
        rows = await _GATE_HISTORY.fetch(
            self._conn,
            {"borrower_id": borrower_id, "planned_at": planned_at, "since": since, "now": now},
        )
        flags: list[Row] = []
        past: list[PastContact] = []
        for r in rows:
            if r.source == 0:
                flags.append({
                    "flag_id": r.flag_id, "reason": r.reason, "channel": r.channel,
                    "contact_point_id": r.contact_point_id, "set_at": r.at,
                    "expires_at": r.expires_at, "cleared_at": r.cleared_at,
                })
            else:
                past.append(
                    PastContact(
                        channel=Channel(r.channel),
                        party=Party(r.party),
                        contact_point_id=str(r.contact_point_id) if r.contact_point_id else None,
                        at=r.at,
                        connected=bool(r.connected),
                        conversation=bool(r.conversation),
                        pending=r.source == 2,
                    )
                )
        return GateHistory(flags, past)

    async def add_check(self, values: dict[str, Any]) -> Row:
        """Insert a check (``values``: every column but ``used_at`` and ``released_at``) and
        return the stored row, built from the values (no defaults or triggers apply)."""
        await _INSERT_CHECK.execute(self._conn, values)
        return {**values, "used_at": None, "released_at": None}

    # --- gate history, checks, attempts -----------------------------------------------------

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
