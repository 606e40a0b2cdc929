"""The web layer's pages, one module per area; each parses a form, calls a service, renders."""

from fastapi import APIRouter

from app.web.pages import (
    admin_keys,
    admin_merchants,
    admin_staff,
    approvals,
    audit_books,
    audit_trail,
    cards,
    correct,
    desk,
    desk_charges,
    drawer,
    password,
    people,
    photo,
    preapply,
    printing,
    proofs,
    public,
    register,
    residents,
    sign_in,
    signature,
)

ROUTERS: tuple[APIRouter, ...] = tuple(
    module.router
    for module in (
        public,
        residents,
        preapply,
        sign_in,
        password,
        people,
        register,
        correct,
        photo,
        signature,
        proofs,
        approvals,
        cards,
        drawer,
        printing,
        admin_staff,
        admin_merchants,
        admin_keys,
        audit_trail,
        audit_books,
        desk,
        desk_charges,
    )
)
