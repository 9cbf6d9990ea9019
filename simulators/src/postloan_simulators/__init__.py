"""Simulators of external systems postloan cannot reach in development and tests: a credit
bureau (``postloan_simulators.bureau``) and an SMS/IVR channel gateway
(``postloan_simulators.channels``). They are stand-ins, not bureaus or gateways: every report
and delivery outcome they produce is synthetic."""
