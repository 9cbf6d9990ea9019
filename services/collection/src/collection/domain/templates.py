"""Message templates for channel dispatch. A template is for the debtor or for a third party;
third-party templates only ask to pass on a request to get in touch (to locate the borrower) and
never disclose the debt: :func:`discloses_debt` is checked on every third-party template when
the module loads, and on every rendered third-party text before it is sent.

Templates carry no personal data and take no parameters: nothing about the borrower (name,
amount, loan) is put into a message that might reach the wrong person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from collection.domain.compliance import Party
from collection.domain.jurisdiction import Channel


class TemplateReasons:
    TEMPLATE_NOT_FOUND: Final = "TEMPLATE_NOT_FOUND"
    TEMPLATE_NOT_FOR_PARTY: Final = "TEMPLATE_NOT_FOR_PARTY"


SENDER_SIGNATURE: Final = "【贷后服务】"
# What a third party sees as the sender: nothing about lending.
THIRD_PARTY_SIGNATURE: Final = "【客户服务】"

# Words that would tell a third party that someone owes money (Chinese and English).
_DEBT_WORDS: Final = re.compile(
    r"欠|逾期|还款|借款|贷|催收|债|账单|分期|"
    r"\b(debt|debts|overdue|loan|loans|repay|repayment|collection|collections|owe|owes|owed|"
    r"arrears|payment|payments|delinquent|balance|installment|instalment|creditor)\b",
    re.IGNORECASE,
)


def discloses_debt(text: str) -> bool:
    """Whether ``text`` contains a word that reveals a debt."""
    return _DEBT_WORDS.search(text) is not None


@dataclass(frozen=True)
class Template:
    code: str
    party: Party
    subject: str  # e-mail subject
    text: str  # SMS, IVR script and e-mail body


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    sender_signature: str


TEMPLATES: Final[dict[str, Template]] = {
    t.code: t
    for t in (
        Template(
            "PRE_DUE_REMINDER",
            Party.DEBTOR,
            "还款提醒 / Repayment reminder",
            "您好，您的借款即将到期，请按时还款。如已还款请忽略。"
            " Your loan installment is due soon; please repay on time.",
        ),
        Template(
            "OVERDUE_EARLY_1",
            Party.DEBTOR,
            "逾期提醒 / Overdue reminder",
            "您好，您的借款已逾期，请尽快在App内还款或致电客服协商。"
            " Your loan payment is overdue; please repay in the app or call us to discuss.",
        ),
        Template(
            "OVERDUE_MIDDLE_1",
            Party.DEBTOR,
            "重要通知 / Important notice",
            "您好，您的借款逾期时间较长，请尽快联系我们协商还款方案。"
            " Your loan has been overdue for some time; please contact us about a repayment plan.",
        ),
        Template(
            "LOCATE_REQUEST_1",
            Party.THIRD_PARTY,
            "请转告联系 / Please pass on a message",
            "您好，我们希望与将您列为联系人的一位朋友取得联系，烦请转告其致电 400-000-0000。"
            "此信息与您本人无关。"
            " Hello, we are trying to reach someone who listed you as a contact. Please ask"
            " them to call 400-000-0000. This message is not about you.",
        ),
    )
}

for _template in TEMPLATES.values():
    if _template.party is Party.THIRD_PARTY and (
        discloses_debt(_template.text) or discloses_debt(_template.subject)
    ):
        raise AssertionError(f"third-party template {_template.code} discloses the debt")


def find_template(code: str) -> Template | None:
    return TEMPLATES.get(code)


def render(template: Template, channel: Channel) -> RenderedMessage:
    """The message for ``channel``. (Parameterless: the same text on every channel.)"""
    text = template.text
    if template.party is Party.THIRD_PARTY:
        message = RenderedMessage(template.subject, text, THIRD_PARTY_SIGNATURE)
        if discloses_debt(" ".join((message.subject, message.text, message.sender_signature))):
            raise AssertionError("third-party message would disclose the debt")
        return message
    return RenderedMessage(template.subject, text, SENDER_SIGNATURE)
