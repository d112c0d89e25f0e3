"""How people sign in on the development sign-in page, as a person would."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.web.stack import Stack


def sign_in_as_caseworker(page: Page, stack: Stack, team: str = "asd-nord",
                          next_path: str = "/") -> None:
    page.goto(f"{stack.web}/anmelden?next={next_path}")
    page.get_by_label("Fallmanagement", exact=True).check()
    page.get_by_label("Team (für Fallmanagement)").select_option(team)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()
