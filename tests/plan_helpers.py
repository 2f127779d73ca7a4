"""Helpers for tests that compare layers with the plan's text."""

from __future__ import annotations

import csv
import re

from layers.paths import GEODATA


def ocr_corrections() -> list[dict[str, str]]:
    with (GEODATA / "ocr_corrections.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def seed_forms(name: str) -> set[str]:
    """The spellings a corrected name may have in the OCR'd seed (itself, or with logged errors)."""
    forms = {name}
    for row in ocr_corrections():
        for form in list(forms):
            if row["corrected"] in form:
                forms.add(form.replace(row["corrected"], row["seed_form"]))
    return forms


def in_seed(text: str, seed_text: str) -> bool:
    """Whitespace-insensitive containment; ``…`` joins separate passages."""
    parts = [re.sub(r"\s+", "", p) for p in text.split("…")]
    return all(p in seed_text for p in parts if p)


def name_in_seed(name: str, seed_text: str) -> bool:
    return any(form in seed_text for form in seed_forms(name))
