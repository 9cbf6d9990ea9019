"""The classification floor restructuring sets on a loan for its observation period.

Restructuring announces it on its feed (LoanClassificationFloorSet, LoanClassificationFloorLifted);
monitoring's consumer applies each event once, in the consumer's transaction. Setting the floor
reclassifies the loan at once (no better than the floor; its stored days past due decide when
they are worse); lifting it reclassifies at once by days past due alone. Both emit
ClassificationChanged when the classification moves. The daily cycle and postings then keep
applying whatever floor is stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from monitoring.adapters.repository import LoanRepository
from monitoring.adapters.tables import loans
from monitoring.domain.daily_cycle import derived_id
from monitoring.domain.delinquency import ClassificationThresholds, classify
from monitoring.domain.loans import Classification
from monitoring.service_layer.repayments import classification_changed
from postloan_runtime.events.outbox import DomainEventRecord

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class FloorChange:
    """A floor set (``floor`` given) or lifted (``floor`` None) by restructuring's ``plan_id``
    on business date ``on``; ``source_event_id`` is the restructuring event's id (the id of the
    ClassificationChanged it causes is derived from it)."""

    loan_id: str
    plan_id: str
    on: dt.date
    source_event_id: str
    floor: Classification | None = None


async def apply_floor_change(
    conn: AsyncConnection, change: FloorChange, thresholds: ClassificationThresholds
) -> list[DomainEventRecord]:
    """Store the floor (or clear it) and reclassify the loan; the events to append. A lift by
    another plan than the one whose floor is in force, or a change for a loan monitoring does not
    know, changes nothing."""
    loan = await LoanRepository(conn).get(change.loan_id, for_update=True)
    if loan is None:
        log.warning("classification floor for unknown loan %s ignored", change.loan_id)
        return []
    if change.floor is None and loan.classification_floor_plan_id != change.plan_id:
        return []
    values = {
        "classification_floor": change.floor.value if change.floor else None,
        "classification_floor_plan_id": change.plan_id if change.floor else None,
        "classification_floor_since": change.on if change.floor else None,
    }
    classification = classify(loan.days_past_due, thresholds, floor=change.floor)
    await conn.execute(
        update(loans).where(loans.c.loan_id == loan.loan_id)
        .values(classification=classification.value, **values)
    )
    if classification is loan.classification:
        return []
    updated = dataclasses.replace(
        loan, classification=classification, classification_floor=change.floor, events=[]
    )
    event = classification_changed(updated, loan.classification, business_date=change.on)
    return [DomainEventRecord(
        payload=event, ordering_key=loan.loan_id,
        event_id=derived_id(event.DESCRIPTOR.full_name, uuid.UUID(change.source_event_id)),
    )]
