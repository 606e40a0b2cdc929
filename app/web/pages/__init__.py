"""The web layer's pages, one module per area; each parses a form, calls a service, renders."""

from fastapi import APIRouter

from app.web.pages import (
    approvals,
    cards,
    correct,
    desk,
    desk_charges,
    drawer,
    password,
    people,
    photo,
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
        desk,
        desk_charges,
    )
)
