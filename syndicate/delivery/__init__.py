"""Delivery: the plan (what each endpoint should hold), the push that carries it out, the ledger
that records it, the lock, the endpoints, and reconcile for a lost ledger.

`plan.iter_plan` and `push.push` are the front doors.
"""
