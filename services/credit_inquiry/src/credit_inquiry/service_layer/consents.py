"""Use cases of the consent ledger. Each mutation is one unit of work (one transaction): the
idempotency key, the consent row and the outbox events commit together or not at all.

``request`` (the protobuf request as received) is what a retry's payload is compared with;
``method`` is the full gRPC method name. Both go to
:func:`postloan_runtime.idempotency.run_idempotent_in_transaction`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_inquiry.adapters.inquiry_repository import IdentityRepository
from credit_inquiry.adapters.protobuf import consent_to_proto, event_to_proto
from credit_inquiry.adapters.repository import ConsentRepository
from credit_inquiry.domain.commands import GrantConsent, ListConsents, RevokeConsent
from credit_inquiry.domain.consent import Consent
from credit_inquiry.domain.identity import IdentityMatchOutcome
from credit_inquiry.domain.inquiry import IDENTITY_BORROWER_MISMATCH, IDENTITY_NOT_VERIFIED
from postloan.credit_inquiry.v1 import credit_inquiry_pb2
from postloan_runtime.clock import Clock
from postloan_runtime.errors import FailedPrecondition, NotFound
from postloan_runtime.idempotency import run_idempotent_in_transaction
from postloan_runtime.unit_of_work import UnitOfWork

CONSENT = "consent"


def _record_events(uow: UnitOfWork, consent: Consent) -> None:
    for event in consent.collect_events():
        uow.record_event(event_to_proto(event), ordering_key=consent.borrower_id)


async def _check_signer_verification(uow: UnitOfWork, command: GrantConsent) -> None:
    """When the signer reference names a verification of this service, it must be MATCHED and
    of the same borrower (IDENTITY_NOT_VERIFIED, IDENTITY_BORROWER_MISMATCH). Other references
    (external e-KYC or e-signature platforms) are recorded as given."""
    try:
        verification_id = uuid.UUID(command.evidence.signer_verification_reference)
    except ValueError:
        return
    verification = await IdentityRepository(uow.connection).get(verification_id)
    if verification is None:
        return
    metadata = {"verification_id": str(verification_id)}
    if verification.borrower_id != command.borrower_id:
        raise FailedPrecondition(
            IDENTITY_BORROWER_MISMATCH, "the verification is of another borrower", metadata
        )
    if verification.outcome is not IdentityMatchOutcome.MATCHED:
        raise FailedPrecondition(
            IDENTITY_NOT_VERIFIED, "the signer's identity verification did not match", metadata
        )


async def grant_consent(
    engine: AsyncEngine,
    command: GrantConsent,
    *,
    request: Message,
    method: str,
    clock: Clock,
    operator: str,
) -> credit_inquiry_pb2.GrantConsentResponse:
    """Record a borrower's authorization (recorded by ``operator``, the verified caller) and
    queue ConsentGranted. A retry with the same ``request_id`` gets the first response."""
    now = clock.now()
    async with UnitOfWork(engine) as uow:

        async def record() -> credit_inquiry_pb2.GrantConsentResponse:
            await _check_signer_verification(uow, command)
            consent = Consent.grant(
                consent_id=uuid.uuid4(),
                borrower_id=command.borrower_id,
                purposes=command.purposes,
                sections=command.sections,
                channel=command.channel,
                evidence=command.evidence,
                validity=command.validity,
                granted_at=now,
                granted_by=operator,
            )
            await ConsentRepository(uow.connection).add(consent)
            _record_events(uow, consent)
            return credit_inquiry_pb2.GrantConsentResponse(
                consent=consent_to_proto(consent, now=now)
            )

        response = await run_idempotent_in_transaction(
            uow.connection,
            request_id=command.request_id,
            method=method,
            request=request,
            response_type=credit_inquiry_pb2.GrantConsentResponse,
            effect=record,
            now=now,
        )
        await uow.commit()
    return response


async def revoke_consent(
    engine: AsyncEngine,
    command: RevokeConsent,
    *,
    request: Message,
    method: str,
    clock: Clock,
    operator: str,
) -> credit_inquiry_pb2.RevokeConsentResponse:
    """Revoke a consent effective now and queue ConsentRevoked. The consent row is locked for
    the transaction. NOT_FOUND for an unknown consent; FAILED_PRECONDITION
    ``CONSENT_ALREADY_REVOKED`` when it is already revoked."""
    now = clock.now()  # the idempotency key's time only
    async with UnitOfWork(engine) as uow:

        async def revoke() -> credit_inquiry_pb2.RevokeConsentResponse:
            repository = ConsentRepository(uow.connection)
            consent = await repository.get(command.consent_id, for_update=True)
            if consent is None:
                raise NotFound(CONSENT, str(command.consent_id))
            # Read only once the lock is held: an inquiry holding the row (FOR SHARE) through
            # its bureau call has committed by now, so the revocation is dated after it.
            revoked_at = clock.now()
            consent.revoke(
                reason=command.reason, at=revoked_at, revoked_by=operator, note=command.note
            )
            await repository.save_revocation(consent)
            _record_events(uow, consent)
            return credit_inquiry_pb2.RevokeConsentResponse(
                consent=consent_to_proto(consent, now=revoked_at)
            )

        response = await run_idempotent_in_transaction(
            uow.connection,
            request_id=command.request_id,
            method=method,
            request=request,
            response_type=credit_inquiry_pb2.RevokeConsentResponse,
            effect=revoke,
            now=now,
        )
        await uow.commit()
    return response


async def get_consent(engine: AsyncEngine, consent_id: uuid.UUID) -> Consent:
    """The consent; NOT_FOUND when unknown."""
    async with engine.connect() as conn:
        consent = await ConsentRepository(conn).get(consent_id)
    if consent is None:
        raise NotFound(CONSENT, str(consent_id))
    return consent


async def list_consents(
    engine: AsyncEngine, query: ListConsents, *, at: datetime
) -> tuple[Sequence[Consent], bool]:
    """One page of the borrower's consents (newest first) and whether more follow. The state
    filter is evaluated at ``at`` (UTC)."""
    async with engine.connect() as conn:
        page = await ConsentRepository(conn).list_for_borrower(
            query.borrower_id,
            at=at,
            states=query.states,
            after=query.after,
            limit=query.page_size + 1,
        )
    return page[: query.page_size], len(page) > query.page_size
