"""Library fines paid with the card, cleared in the library's own system over SIP2."""

from app.library.service import queue_fee_paid
from app.payments.charges import fines

# Payments does not import the library (the library builds on payments): a charge that names a
# library fee reaches the library through this registration instead.
fines.on_fine_paid(queue_fee_paid)
