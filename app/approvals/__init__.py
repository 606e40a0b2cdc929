"""Approvals: the decision on an application and every fee the counter takes for a card.

Sits above applicants, proofs, cards and payments' fee booking: it is where their rules meet.
"""
