"""Helpers for tests that compare layers with the plan's text."""

from __future__ import annotations

import re

from layers.plan.records import seed_spellings as seed_forms


def in_seed(text: str, seed_text: str) -> bool:
    """Whitespace-insensitive containment; ``…`` joins separate passages."""
    parts = [re.sub(r"\s+", "", p) for p in text.split("…")]
    return all(p in seed_text for p in parts if p)


def name_in_seed(name: str, seed_text: str) -> bool:
    return any(form in seed_text for form in seed_forms(name))
