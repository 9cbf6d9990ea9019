"""Role → permission policy for every postloan service.

Each RPC declares the permission it needs (``postloan.common.v1.required_permission`` in the
protos); a caller holds a permission when one of its roles grants it. Permissions are exact
strings (no wildcards). People's roles come from their verified token; each service's own
identity (``service:<kebab-name>``) holds exactly what it calls on its peers plus
``events.subscribe``. Plain Python on purpose: no grpc or database imports.
"""

from __future__ import annotations

from collections.abc import Iterable

# --- building blocks (exact permission strings, grouped for readability) -------------------

_CREDIT_INQUIRY_READ = frozenset(
    {
        "credit_inquiry.consents.read",
        "credit_inquiry.identities.read",
        "credit_inquiry.inquiries.read",
        "credit_inquiry.scores.read",
        "credit_inquiry.scoring_models.read",
        "credit_inquiry.borrower_history.read",
    }
)

_MONITORING_LOAN_READ = frozenset(
    {
        "monitoring.loans.read",
        "monitoring.repayments.read",
    }
)

_COLLECTION_FIELD = frozenset(
    {
        "collection.cases.read",
        "collection.contacts.check",
        "collection.contacts.record",
        "collection.contacts.read",
        "collection.messages.dispatch",
        "collection.debtors.read",
        "collection.do_not_contact.set",
        "collection.contact_preferences.write",
        "collection.promises.create",
        "collection.promises.read",
        "collection.strategies.read",
        "collection.jurisdiction_profiles.read",
    }
)

# Negotiating a plan with the borrower (maker side): never approve.
_RESTRUCTURING_MAKER = frozenset(
    {
        "restructuring.eligibility.check",
        "restructuring.plans.request",
        "restructuring.quotes.create",
        "restructuring.plans.read",
        "restructuring.agreements.generate",
        "restructuring.agreements.read",
        "restructuring.observation_periods.read",
    }
)

_RESTRUCTURING_CHECKER = frozenset(
    {
        "restructuring.eligibility.check",
        "restructuring.quotes.create",
        "restructuring.plans.read",
        "restructuring.plans.approve",
        "restructuring.plans.reject",
        "restructuring.agreements.read",
        "restructuring.observation_periods.read",
    }
)

# Every read-only permission; the auditor holds these (except raw credit reports) to check
# without changing anything.
_ALL_READS = frozenset(
    {
        "credit_inquiry.consents.read",
        "credit_inquiry.identities.read",
        "credit_inquiry.inquiries.read",
        "credit_inquiry.scores.read",
        "credit_inquiry.scoring_models.read",
        "credit_inquiry.borrower_history.read",
        "credit_inquiry.records.read",
        "monitoring.loans.read",
        "monitoring.repayments.read",
        "monitoring.daily_cycles.read",
        "monitoring.alerts.read",
        "monitoring.credit_lines.read",
        "monitoring.paid_off_reviews.read",
        "monitoring.analytics.read",
        "collection.cases.read",
        "collection.strategies.read",
        "collection.agents.read",
        "collection.agencies.read",
        "collection.contacts.read",
        "collection.debtors.read",
        "collection.jurisdiction_profiles.read",
        "collection.promises.read",
        "collection.figures.read",
        "restructuring.plans.read",
        "restructuring.agreements.read",
        "restructuring.observation_periods.read",
    }
)

# --- the policy ---------------------------------------------------------------------------

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Decides and reviews credit: consents, identity checks, inquiries, early warning, plans.
    "credit_officer": _CREDIT_INQUIRY_READ
    | _MONITORING_LOAN_READ
    | _RESTRUCTURING_MAKER
    | {
        "credit_inquiry.consents.grant",
        "credit_inquiry.consents.revoke",
        "credit_inquiry.identities.verify",
        "credit_inquiry.inquiries.create",
        "credit_inquiry.reports.read",
        "monitoring.schedules.compute",
        "monitoring.alerts.read",
        "monitoring.alerts.acknowledge",
        "monitoring.alerts.resolve",
        "monitoring.credit_lines.read",
        "monitoring.credit_lines.act",
        "monitoring.paid_off_reviews.read",
        "collection.cases.read",
        "restructuring.signatures.record",
    },
    # Works assigned cases: contacts through the gate, promises, plan requests.
    "collector": _COLLECTION_FIELD | _MONITORING_LOAN_READ | _RESTRUCTURING_MAKER,
    # Runs the collection floor: strategies, agents, agencies, assignment, placements, profiles.
    "collection_supervisor": _COLLECTION_FIELD
    | _MONITORING_LOAN_READ
    | _RESTRUCTURING_MAKER
    | {
        "collection.cases.pause",
        "collection.cases.resume",
        "collection.cases.escalate",
        "collection.cases.reassign",
        "collection.strategies.create",
        "collection.strategies.activate",
        "collection.agents.read",
        "collection.agents.write",
        "collection.agencies.read",
        "collection.agencies.write",
        "collection.assignments.run",
        "collection.placements.write",
        "collection.debtors.write",
        "collection.do_not_contact.clear",
        "collection.jurisdiction_profiles.create",
        "collection.figures.read",
        "monitoring.alerts.read",
    },
    # Team-lead authority on restructuring plans (checker side).
    "restructuring_approver": _RESTRUCTURING_CHECKER
    | _MONITORING_LOAN_READ
    | {
        "monitoring.schedules.compute",
        "collection.cases.read",
        "credit_inquiry.inquiries.read",
        "credit_inquiry.scores.read",
    },
    # Portfolio risk: analytics, early warning, strategies, higher approval authority.
    "risk_manager": _CREDIT_INQUIRY_READ
    | _MONITORING_LOAN_READ
    | _RESTRUCTURING_CHECKER
    | {
        "credit_inquiry.inquiries.create",
        "credit_inquiry.reports.read",
        "credit_inquiry.records.read",
        "monitoring.schedules.compute",
        "monitoring.daily_cycles.read",
        "monitoring.alerts.read",
        "monitoring.alerts.acknowledge",
        "monitoring.alerts.resolve",
        "monitoring.credit_lines.read",
        "monitoring.credit_lines.act",
        "monitoring.paid_off_reviews.read",
        "monitoring.analytics.read",
        "collection.cases.read",
        "collection.contacts.read",
        "collection.promises.read",
        "collection.agents.read",
        "collection.agencies.read",
        "collection.strategies.read",
        "collection.strategies.create",
        "collection.strategies.activate",
        "collection.jurisdiction_profiles.read",
        "collection.jurisdiction_profiles.create",
        "collection.figures.read",
        "restructuring.classification_floors.lift",
    },
    # Reads everything (except raw credit reports) and verifies the inquiry record chain.
    "auditor": _ALL_READS | {"credit_inquiry.records.verify"},
    # Runs the daily cycle, jobs and reports; fixes postings.
    "operator": frozenset(
        {
            "monitoring.daily_cycles.run",
            "monitoring.daily_cycles.read",
            "monitoring.analytics.read",
            "monitoring.loans.read",
            "monitoring.repayments.read",
            "monitoring.repayments.reverse",
            "credit_inquiry.reports.purge",
            "credit_inquiry.records.verify",
            "collection.assignments.run",
            "collection.figures.read",
            "bureau_simulator.faults.configure",
        }
    ),
    # Lending frontends: register loans and lines, post repayments, act for the borrower
    # (consents, identity, contact details and preferences, plan requests and signatures).
    "lending_frontend": frozenset(
        {
            "monitoring.loans.register",
            "monitoring.loans.read",
            "monitoring.schedules.compute",
            "monitoring.repayments.post",
            "monitoring.repayments.reverse",
            "monitoring.repayments.read",
            "monitoring.credit_lines.register",
            "monitoring.credit_lines.read",
            "credit_inquiry.consents.grant",
            "credit_inquiry.consents.revoke",
            "credit_inquiry.consents.read",
            "credit_inquiry.identities.verify",
            "credit_inquiry.identities.read",
            "credit_inquiry.inquiries.create",
            "credit_inquiry.inquiries.read",
            "credit_inquiry.scores.read",
            "credit_inquiry.borrower_history.read",
            "collection.debtors.read",
            "collection.debtors.write",
            "collection.do_not_contact.set",
            "collection.contact_preferences.write",
            "restructuring.eligibility.check",
            "restructuring.plans.request",
            "restructuring.plans.read",
            "restructuring.agreements.read",
            "restructuring.signatures.record",
        }
    ),
    # Service identities: exactly what each calls on its peers, plus the event feeds.
    "service:credit-inquiry": frozenset(
        {
            "events.subscribe",
            "bureau_simulator.identities.match",
            "bureau_simulator.reports.query",
        }
    ),
    # The daily-cycle job runs with monitoring's own identity (it mounts no issuer key).
    "service:monitoring": frozenset(
        {"events.subscribe", "monitoring.daily_cycles.run", "monitoring.daily_cycles.read"}
    ),
    "service:collection": frozenset(
        {
            "events.subscribe",
            "channel_simulator.sms.send",
            "channel_simulator.ivr.call",
        }
    ),
    "service:restructuring": frozenset(
        {
            "events.subscribe",
            "monitoring.loans.read",
            "monitoring.schedules.compute",
            "monitoring.schedules.replace",
            "collection.cases.pause",
            "collection.cases.resume",
        }
    ),
}


def permissions_for(roles: Iterable[str]) -> frozenset[str]:
    """Union of the permissions granted by ``roles``; unknown roles grant nothing."""
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)
