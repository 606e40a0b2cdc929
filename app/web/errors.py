"""What a domain error says to a clerk, in their language.

The services raise errors in English for the API; a page shows the translated message kept here
for each error by its name. Figures the message needs come from the error's `extra`, never from
parsing its English text.
"""

from __future__ import annotations

import math
from datetime import date

from app.kit.errors import ResidentIdError
from app.web.i18n import N_, Translator

MESSAGES: dict[str, str] = {
    "ApplicantNotFound": N_("No one is registered with this reference."),
    "PhotoNotFound": N_("There is no photo on file yet."),
    "SignatureNotFound": N_("There is no signature on file."),
    "PhotoTooLarge": N_("The photo file is too large. Choose a smaller file."),
    "NotAnImage": N_("The file is not a usable JPEG or PNG photo. Choose another file."),
    "SearchTooBroad": N_("Enter a name, a date of birth or a card number."),
    "AlreadyApproved": N_("This person is approved already; their card has been issued."),
    "AlreadyDenied": N_("This application has been denied already."),
    "RequirementsNotMet": N_("The application does not meet every requirement yet."),
    "WaiverNotApplicable": N_("The senior waiver applies only from the senior age on."),
    "CardNotFound": N_("No card has this number. Check the number on the card."),
    "CardRevoked": N_("This card is revoked. Act on the person's current card."),
    "CardExpired": N_("This card has expired. Renew it instead."),
    "CardNotPrinted": N_("This card has not been printed yet."),
    "CardSuperseded": N_("A newer card already replaces this one. Act on that card."),
    "PrintJobOpen": N_("This card is already waiting in the print queue."),
    "OutsideRenewalWindow": N_("This card cannot be renewed today."),
    "BalanceCapExceeded": N_("This load would take the card over its balance cap."),
    "PrintJobNotFound": N_("This print job no longer exists."),
    "PrintJobAlreadyPrinted": N_("This print job was already marked printed."),
    "PrintJobCancelled": N_("This print job was cancelled because its card was revoked."),
    "CardNotPrintable": N_("This card is expired or revoked and must not be printed."),
    "UnknownDocument": N_("This document is not in the city's list."),
    "DocumentDateRequired": N_("Enter the date on this document: its age matters."),
    "DocumentDateInFuture": N_("The document's date is in the future."),
    "DocumentTooOld": N_("This document is too old to prove residency. Ask for a more recent one."),
    "ProofCheckNotFound": N_("This document check no longer exists."),
    "ApplicationClosed": N_("This person is approved already: documents no longer change it."),
    "NoSigningKey": N_("No key can sign cards now. An administrator must create one."),
    "NotAuthenticated": N_("Wrong username or password."),
    "WeakPassword": N_("Choose a password of at least 12 characters that is not a common one."),
    "WrongPassword": N_("The current password is wrong."),
    "UsernameTaken": N_("Another account has this username. Choose another."),
    "LastAdmin": N_("This is the last active administrator. Make another administrator first."),
    "UnknownBranch": N_("Choose a branch from the list."),
    "BranchExists": N_("A branch with this code exists already. Choose another code."),
    "BranchNotFound": N_("No branch has this code."),
    "MerchantNotFound": N_("This merchant no longer exists."),
    "MerchantDisabled": N_("This merchant is disabled. Enable it before giving it a new key."),
    "Forbidden": N_("Your role may not do this."),
    "Conflict": N_("This cannot be done in the record's current state."),
    "NotFound": N_("Not found."),
    "TooManyPreApplications": N_(
        "Too many pre-applications were sent from this connection. Try again in %(minutes)s "
        "minutes, or come to a branch: the clerk can register you there."
    ),
    "RateLimited": N_("Too many card checks this minute. Wait a moment, then try again."),
    "CardNotAccepted": N_("This card cannot be charged: it is not valid."),
    "InsufficientBalance": N_("The card's balance is too low for this amount."),
    "DailySpendLimitReached": N_("This card has reached its spending limit for today."),
    "ChargeNotFound": N_("No charge has this receipt number. Check the receipt."),
    "NotYourCharge": N_(
        "This charge was made elsewhere: only the place that charged may refund it."
    ),
    "RefundExceedsCharge": N_("This is more than is left to refund on this charge."),
    "RefundNotRefundable": N_("This receipt is for a refund, and a refund cannot be refunded."),
    "IdempotencyKeyReused": N_("This form was already sent with other answers. Start again."),
}

# The requirements approval checks (app.proofs.rules), as a clerk reads them.
REQUIREMENTS: dict[str, str] = {
    "identity_points": N_("Not enough identity points yet."),
    "photo_document": N_("An identity document with a photo."),
    "date_of_birth_document": N_("A document showing the date of birth."),
    "residency_proof": N_("A recent proof of residency."),
    "photo_on_file": N_("A photo for the card."),
    "minimum_age": N_("The applicant is under the minimum age."),
}


def message_for(t: Translator, exc: ResidentIdError) -> str:
    for cls in type(exc).__mro__:
        text = MESSAGES.get(cls.__name__)
        if text is not None:
            return _with_figures(t, exc, t.gettext(text))
    return t.gettext("Something went wrong. Nothing was changed.")


def _with_figures(t: Translator, exc: ResidentIdError, text: str) -> str:
    if exc.name == "BalanceCapExceeded" and "room_cents" in exc.extra:
        return t.gettext("At most %(amount)s more can be loaded onto this card.") % {
            "amount": t.money(int(exc.extra["room_cents"]))
        }
    if exc.name in ("SignInThrottled", "RateLimited") and "retry_after" in exc.extra:
        return t.gettext("Too many tries. Wait %(seconds)s seconds, then try again.") % {
            "seconds": int(exc.extra["retry_after"])
        }
    if exc.name == "TooManyPreApplications" and "retry_after" in exc.extra:
        return text % {"minutes": max(1, math.ceil(int(exc.extra["retry_after"]) / 60))}
    if exc.name == "OutsideRenewalWindow":
        return t.gettext("This card can be renewed from %(opens)s to %(closes)s.") % {
            "opens": t.date(date.fromisoformat(exc.extra["window_opens"])),
            "closes": t.date(date.fromisoformat(exc.extra["window_closes"])),
        }
    return text


def requirement_text(t: Translator, code: str) -> str:
    return t.gettext(REQUIREMENTS.get(code, code))
