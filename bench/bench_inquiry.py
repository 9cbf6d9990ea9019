"""Credit-inquiry benchmark: RequestInquiry served from the reuse window (authenticate, validate,
idempotency claim, consent check under a share lock, identity and reuse lookup, inquiry row,
hash-chain append, outbox event: one transaction) by the real credit-inquiry process, against a
bare ``grpc.aio`` echo server process answering a reply of the same size, measured in the same
run from the same client (bench/rpc_bench.py).

    python bench/bench_inquiry.py [--seconds 10] [--concurrency 16] [--borrowers 200]

Many borrowers, each with a consent, a matched identity and one stored report retrieved from the
bureau simulator (its own process, as under ``postloan run``); every measured call picks one at
random and is answered from the stored report (the point of reuse: the bureau is not called).
Goals (issue #3): >= 0.6x the echo throughput; p99 <= 5 ms open-loop at 50% of peak.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta

import grpc
from rpc_bench import (
    describe_machine,
    echo_server,
    measure,
    prepare,
    report,
    serial,
    services,
)

from postloan.credit_inquiry.v1 import credit_inquiry_pb2 as ci
from postloan.credit_inquiry.v1 import credit_inquiry_pb2_grpc as ci_grpc
from postloan.credit_inquiry.v1 import resources_pb2 as res
from postloan_runtime.testing.auth import bearer, token_for


async def run(args: argparse.Namespace) -> None:
    async with services("inquiry", ["credit_inquiry"], ["bureau"]) as suite:
        metadata = bearer(token_for(suite.keys_dir, ["credit_officer"], subject="bench-op"))
        rng = random.Random(11)
        async with grpc.aio.insecure_channel(suite.services["credit_inquiry"].address) as channel:
            consents = ci_grpc.ConsentServiceStub(channel)
            inquiries = ci_grpc.InquiryServiceStub(channel)
            identities = ci_grpc.IdentityVerificationServiceStub(channel)

            def request(borrower_id: str, consent_id: str) -> grpc.aio.UnaryUnaryCall:
                return inquiries.RequestInquiry(ci.RequestInquiryRequest(
                    request_id=str(uuid.uuid4()), borrower_id=borrower_id, loan_id="L-1",
                    purpose=res.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT,
                    consent_id=consent_id), metadata=metadata, timeout=30)

            async def onboard(index: int) -> tuple[str, str]:
                """A borrower with a consent, a matched identity and one stored report."""
                now = datetime.now(UTC)
                borrower_id = f"bench-b-{index}"
                grant = ci.GrantConsentRequest(
                    request_id=str(uuid.uuid4()), borrower_id=borrower_id,
                    purposes=[res.CONSENT_PURPOSE_POST_LOAN_MANAGEMENT,
                              res.CONSENT_PURPOSE_IDENTITY_VERIFICATION],
                    sections=[res.REPORT_SECTION_BASIC_INFO, res.REPORT_SECTION_SUMMARY],
                    channel=res.CONSENT_CHANNEL_MOBILE_APP,
                    evidence=res.ConsentEvidence(document_sha256="ab" * 32,
                                                 signer_verification_reference="ekyc:1"),
                )
                grant.evidence.signed_at.FromDatetime(now - timedelta(hours=1))
                grant.valid_from.FromDatetime(now - timedelta(minutes=1))
                grant.valid_until.FromDatetime(now + timedelta(days=365))
                consent = (await consents.GrantConsent(grant, metadata=metadata)).consent
                await identities.VerifyIdentity(ci.VerifyIdentityRequest(
                    request_id=str(uuid.uuid4()), borrower_id=borrower_id, name="王小明",
                    resident_id_number="11010519491231002X", mobile_number="13812345678",
                    consent_id=consent.consent_id), metadata=metadata)
                first = (await request(borrower_id, consent.consent_id)).inquiry
                assert first.outcome == res.INQUIRY_OUTCOME_REPORT_RETRIEVED, first.outcome
                return borrower_id, consent.consent_id

            population = await prepare(args.borrowers, onboard)

            def inquiry() -> grpc.aio.UnaryUnaryCall:
                return request(*rng.choice(population))

            sample = await inquiry()
            assert sample.inquiry.outcome == res.INQUIRY_OUTCOME_REPORT_REUSED, sample
            payload = ci.RequestInquiryRequest(request_id=str(uuid.uuid4())).SerializeToString()
            async with echo_server(sample.ByteSize()) as echo_call:

                def echo_once() -> grpc.aio.UnaryUnaryCall:
                    return echo_call(payload, metadata=metadata, timeout=30)

                describe_machine(f"{args.seconds:g} s per phase, closed-loop concurrency "
                                 f"{args.concurrency}, {len(population)} borrowers, reply "
                                 f"{sample.ByteSize()} bytes")
                await serial("echo", echo_once, min(args.seconds, 3.0))
                await serial("RequestInquiry (reuse)", inquiry, min(args.seconds, 3.0))
                echo = await measure("echo (bare grpc.aio)", echo_once, args.seconds,
                                     args.concurrency)
                measured = await measure("RequestInquiry", inquiry, args.seconds,
                                         args.concurrency)
        report(measured, echo, ratio_goal=0.6, p99_goal_ms=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--borrowers", type=int, default=200,
                        help="borrowers, each with a consent and a stored report")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
