"""The eval's field judge: the card set's matching rules on hand-written values."""

from __future__ import annotations

from server.ocr.truth import field_right

TRUTH = {
    "name": "José Álvarez", "title": None, "company": "Acme GmbH",
    "emails": ["jose@acme.de"], "phones": [{"number": "+49 30 1234567", "type": "work"}],
    "website": "www.acme.de", "address": "Hauptstr. 5, 10115 Berlin, Germany",
}


def test_equal_values_after_folding_are_right():
    pred = {"name": "josé álvarez.", "company": "ACME GMBH", "emails": ["JOSE@acme.de"],
            "phones": [{"number": "030 1234567", "type": "other"}],
            "website": "https://acme.de/", "address": "Hauptstr. 5, 10115 Berlin"}
    assert all(field_right(f, TRUTH, pred) for f in
               ("name", "title", "company", "emails", "phones", "website", "address"))


def test_missing_extra_and_different_values_are_wrong():
    pred = {"name": "José", "title": "CEO", "emails": [], "address": "Hauptstr. 5",
            "phones": [{"number": "+49 30 1234567"}, {"number": "+49 30 7654321"}]}
    assert not any(field_right(f, TRUTH, pred) for f in
                   ("name", "title", "company", "emails", "phones", "website", "address"))
