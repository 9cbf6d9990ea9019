"""The lending calculations shared by monitoring and restructuring: exact repayment schedules,
schedule validation, the annualized cost rate (APR) and present values. Pure Python: no grpc,
protobuf or sqlalchemy imports. Amounts in integer fen, rates as Decimal."""

from postloan_runtime.lending.cashflow import (
    Cashflow,
    annualized_cost_rate,
    cashflows_of,
    present_value,
)
from postloan_runtime.lending.day_count import (
    DayCount,
    add_months,
    due_date_in_month,
    month_length,
    months_between,
    whole_months_or_days,
)
from postloan_runtime.lending.schedule import (
    Installment,
    RepaymentMethod,
    ScheduleError,
    build_schedule,
    first_due_date,
    rebuild_schedule,
    remaining_schedule,
    validate_schedule,
)

__all__ = [
    "Cashflow",
    "DayCount",
    "Installment",
    "RepaymentMethod",
    "ScheduleError",
    "add_months",
    "annualized_cost_rate",
    "build_schedule",
    "cashflows_of",
    "due_date_in_month",
    "first_due_date",
    "month_length",
    "months_between",
    "present_value",
    "rebuild_schedule",
    "remaining_schedule",
    "validate_schedule",
    "whole_months_or_days",
]
