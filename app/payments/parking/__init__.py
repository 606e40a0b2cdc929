"""Paid parking: zones, sessions, and the charges offline meters upload later."""
