"""The card parser on OCR lines written for the purpose (no engine, no images)."""

from __future__ import annotations

import pytest

from server.domain.card_text import OcrLine
from server.domain.card_text import parse_card
from server.domain.card_text import parse_qr
from server.domain.card_text import SCORED_FIELDS


def card(*columns: tuple[float, list[tuple[str, float]]], top: float = 100.0) -> list[OcrLine]:
    """Lines laid out like a printed card: each column is (left x, [(text, text height)])."""
    lines = []
    for left, rows in columns:
        y = top
        for text, size in rows:
            width = 0.55 * size * len(text)
            lines.append(OcrLine(text, (left, y, left + width, y + size), 0.98, size))
            y += size * 1.35
    return sorted(lines, key=lambda line: (line.top, line.left))


def digits(phones: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [("".join(c for c in p["number"] if c.isdigit()), p["type"]) for p in phones]


def test_english_card_with_labels():
    draft = parse_card(card((80, [
        ("Jane A. Whitfield", 44),
        ("Director of Talent Acquisition", 26),
        ("Northbridge Analytics Inc.", 30),
        ("M: (617) 555-0142", 22),
        ("T: (617) 555-0100", 22),
        ("F: (617) 555-0199", 22),
        ("jane.whitfield@northbridge.com", 22),
        ("www.northbridge.com", 22),
        ("200 Clarendon Street, Suite 400", 22),
        ("Boston, MA 02116", 22),
    ])))
    assert draft.name == "Jane A. Whitfield"
    assert draft.title == "Director of Talent Acquisition"
    assert draft.company == "Northbridge Analytics Inc."
    assert draft.emails == ["jane.whitfield@northbridge.com"]
    assert digits(draft.phones) == [
        ("6175550142", "mobile"), ("6175550100", "work"), ("6175550199", "fax")
    ]
    assert draft.website == "www.northbridge.com"
    assert draft.address == "200 Clarendon Street, Suite 400, Boston, MA 02116"
    assert draft.flagged() == []


def test_german_card_two_columns():
    draft = parse_card(card(
        (60, [
            ("Dr. Katrin Bäumer", 40),
            ("Leiterin Personalentwicklung", 24),
            ("Rheinwerk Logistik GmbH", 26),
        ]),
        (620, [
            ("Telefon: 0221 4711-230", 20),
            ("Handy: 0171 2345678", 20),
            ("Fax: 0221 4711-299", 20),
            ("E-Mail: k.baeumer@rheinwerk-logistik.de", 20),
            ("Internet: www.rheinwerk-logistik.de", 20),
            ("Hohenzollernring 57", 20),
            ("50672 Köln", 20),
            ("Amtsgericht Köln HRB 12345", 16),
        ]),
    ))
    assert draft.name == "Dr. Katrin Bäumer"
    assert draft.title == "Leiterin Personalentwicklung"
    assert draft.company == "Rheinwerk Logistik GmbH"
    assert digits(draft.phones) == [
        ("02214711230", "work"), ("01712345678", "mobile"), ("02214711299", "fax")
    ]
    assert draft.website == "www.rheinwerk-logistik.de"
    assert draft.address == "Hohenzollernring 57, 50672 Köln"


def test_french_card():
    draft = parse_card(card((100, [
        ("Société Lumière SAS", 34),
        ("Hélène Dubois-Marchand", 40),
        ("Directrice des ressources humaines", 24),
        ("Tél. : 01 42 68 53 00", 22),
        ("Portable : 06 12 34 56 78", 22),
        ("helene.dubois@lumiere.fr", 22),
        ("12, rue de la Paix", 22),
        ("75002 Paris", 22),
        ("France", 22),
    ])))
    assert draft.name == "Hélène Dubois-Marchand"
    assert draft.title == "Directrice des ressources humaines"
    assert draft.company == "Société Lumière SAS"
    assert digits(draft.phones) == [("0142685300", "work"), ("0612345678", "mobile")]
    assert draft.address == "12, rue de la Paix, 75002 Paris, France"


def test_spanish_card():
    draft = parse_card(card((90, [
        ("Alejandro Ruiz Ortega", 40),
        ("Gerente de Ventas", 24),
        ("Grupo Meridiano S.L.", 28),
        ("Móvil: +34 612 345 678", 22),
        ("Teléfono: +34 915 123 456", 22),
        ("a.ruiz@meridiano.es", 22),
        ("Calle de Alcalá 48", 22),
        ("28014 Madrid", 22),
    ])))
    assert (draft.name, draft.title, draft.company) == (
        "Alejandro Ruiz Ortega", "Gerente de Ventas", "Grupo Meridiano S.L."
    )
    assert digits(draft.phones) == [("34612345678", "mobile"), ("34915123456", "work")]
    assert draft.address == "Calle de Alcalá 48, 28014 Madrid"


def test_brazilian_portuguese_card_reads_numbers_in_the_cards_region():
    draft = parse_card(card((70, [
        ("Mariana da Silva Costa", 40),
        ("Diretora Comercial", 24),
        ("Horizonte Comércio Ltda.", 28),
        ("Cel.: (11) 98765-4321", 22),
        ("Tel.: (11) 3456-7890", 22),
        ("mariana.costa@horizonte.com.br", 22),
        ("Av. Paulista, 1000 - Bela Vista", 22),
        ("São Paulo - SP, 01310-100", 22),
    ])), default_region="US")
    assert (draft.name, draft.title, draft.company) == (
        "Mariana da Silva Costa", "Diretora Comercial", "Horizonte Comércio Ltda."
    )
    # The card says Brazil (CEP, state): the person's own US setting must not win.
    assert [p["number"] for p in draft.phones] == ["+55 11 98765-4321", "+55 11 3456-7890"]
    assert [p["type"] for p in draft.phones] == ["mobile", "work"]
    assert draft.address == "Av. Paulista, 1000 - Bela Vista, São Paulo - SP, 01310-100"


def test_portuguese_card_from_portugal():
    draft = parse_card(card((70, [
        ("João Pedro Figueiredo", 40),
        ("Engenheiro de Software", 24),
        ("Atlântico Digital, Lda.", 28),
        ("Telemóvel: 912 345 678", 22),
        ("joao.figueiredo@atlantico.pt", 22),
        ("Rua Augusta, 100", 22),
        ("1100-053 Lisboa", 22),
    ])))
    assert (draft.name, draft.title, draft.company) == (
        "João Pedro Figueiredo", "Engenheiro de Software", "Atlântico Digital, Lda."
    )
    assert digits(draft.phones) == [("912345678", "mobile")]
    assert draft.address == "Rua Augusta, 100, 1100-053 Lisboa"


def test_numbers_without_a_label_are_other_and_keep_their_printed_form():
    draft = parse_card(card((80, [
        ("Tom Becker", 40),
        ("Account Executive", 24),
        ("Becker & Sons", 28),
        ("303-555-0110 / 303-555-0111", 22),
        ("+1 720 555 0199", 22),
    ])))
    assert draft.phones == [
        {"number": "303-555-0110", "type": "other"},
        {"number": "303-555-0111", "type": "other"},
        {"number": "+1 720 555 0199", "type": "other"},
    ]


def test_several_labelled_numbers_on_one_line():
    draft = parse_card(card((80, [
        ("Fiona Barnes", 40),
        ("Office: +44 161 283 0644 Direct: +44 161 449 7999 Mobile: +44 7840 047513", 20),
        ("Tel: 0161 488 1149 · FAX 0161 271 6227", 20),
    ])))
    assert [p["type"] for p in draft.phones] == ["work", "work", "mobile", "work", "fax"]


def test_a_label_boxed_apart_from_its_number():
    lines = card((80, [("Ravi Menon", 40), ("Senior Engineer", 24)]))
    lines += [
        OcrLine("Fax", (80, 300, 120, 320), 0.99, 20),
        OcrLine("(0341) 966 1169", (126, 298, 300, 320), 0.99, 20),
    ]
    assert parse_card(lines).phones == [{"number": "(0341) 966 1169", "type": "fax"}]


def test_region_from_the_card_and_international_format_only_when_asked():
    lines = card((80, [
        ("Sanne Vos", 40),
        ("Mobil: +49 172 197 2520", 22),
        ("Tel. 0221 466 644", 22),
    ]))
    assert parse_card(lines).phones[1]["number"] == "0221 466 644"
    formatted = parse_card(lines, default_region="FR").phones
    assert formatted[1]["number"] == "+49 221 466644"


def test_logo_company_found_through_the_email_domain():
    draft = parse_card(card((300, [
        ("bluefjord", 70),
        ("Jörg Köhler", 44),
        ("Regional Sales Director", 26),
        ("Building tomorrow's infrastructure today", 22),
        ("Mobil: +49 172 030 7920", 20),
        ("j.koehler@bluefjord.de", 20),
    ])))
    assert draft.company == "bluefjord"
    assert draft.name == "Jörg Köhler"


def test_logo_on_two_lines_is_joined():
    lines = card((100, [("QUARRY", 40), ("FOODS", 38)]))
    lines += card((100, [
        ("Meera Krishnamurthy", 42),
        ("ASSOCIATE DIRECTOR, FINANCE", 24),
        ("m.krishnamurthy@quarryfoods.in", 22),
    ]), top=400)
    draft = parse_card(lines)
    assert draft.company == "QUARRY FOODS"
    assert draft.name == "Meera Krishnamurthy"
    assert draft.title == "ASSOCIATE DIRECTOR, FINANCE"


def test_logo_mark_read_as_a_letter_is_not_part_of_the_company():
    draft = parse_card(card(
        (40, [("C", 120)]),
        (200, [("OHUGHES", 50), ("Seán Byrne", 44), ("Product Manager", 24),
               ("sbyrne@hughes.uk", 20)]),
    ))
    assert draft.company == "HUGHES"
    assert draft.name == "Seán Byrne"


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Gregory Hawthorne, CFA", "Gregory Hawthorne"),
        ("JÜRGEN JÄGER, MBA", "JÜRGEN JÄGER"),
        ("Aarav Kumar, CA, CS", "Aarav Kumar"),
        ("YOUSSEF AZIZ, CEng MIMechE", "YOUSSEF AZIZ"),
        ("Laura McAllister Sr.", "Laura McAllister Sr."),
        ("Brittany Brown III", "Brittany Brown III"),
    ],
)
def test_certifications_after_a_name_are_dropped_suffixes_kept(printed, name):
    draft = parse_card(card((80, [(printed, 42), ("Plant Manager", 24), ("Atlas Corp.", 26)])))
    assert draft.name == name


def test_certification_line_under_the_name_belongs_to_no_field():
    draft = parse_card(card((80, [
        ("Wei Wu", 44), ("MBA, PMP", 20), ("Recruitment Consultant", 24),
        ("Thompson & Finch Corp.", 26), ("wwu@thompson.co", 20),
    ])))
    assert (draft.name, draft.title, draft.company) == (
        "Wei Wu", "Recruitment Consultant", "Thompson & Finch Corp."
    )


def test_slogans_handles_and_registrations_belong_to_no_field():
    draft = parse_card(card((80, [
        ("Brandon Thompson", 44),
        ("Plant Manager", 24),
        ("Juniper Capital", 26),
        ("Think bigger.", 22),
        ("We're hiring!", 22),
        ("(303) 695-5626", 20),
        ("brandon.thompson@juniper-capital.io", 20),
        ("linkedin.com/in/brandon-thompson", 20),
        ("Skype: brandon.thompson", 20),
        ("@juniper_cap", 20),
        ("NMLS #031377", 16),
        ("USt-IdNr.: DE404745922", 16),
    ])))
    assert (draft.name, draft.title, draft.company) == (
        "Brandon Thompson", "Plant Manager", "Juniper Capital"
    )
    assert draft.website is None  # a LinkedIn page is not the company's site
    assert draft.address is None
    assert digits(draft.phones) == [("3036955626", "other")]
    assert "Skype: brandon.thompson" in draft.notes


def test_email_local_part_picks_the_name_among_look_alikes():
    draft = parse_card(card((80, [
        ("Morgan Stanley Hill", 40),
        ("Priya Raman", 40),
        ("Head of Engineering", 24),
        ("praman@morganhill.io", 20),
    ])))
    assert draft.name == "Priya Raman"
    assert draft.company == "Morgan Stanley Hill"


def test_address_printed_on_one_line_with_dots():
    draft = parse_card(card((80, [
        ("Dörte Schäfer", 44),
        ("Personalreferentin", 24),
        ("Am Hauptplatz 4 · 80331 München · Deutschland", 20),
    ])))
    assert draft.address == "Am Hauptplatz 4, 80331 München, Deutschland"
    assert draft.title == "Personalreferentin"


def test_nothing_readable_gives_an_empty_draft_with_every_field_flagged():
    draft = parse_card([])
    assert draft.fields["name"] is None and draft.fields["phones"] == []
    assert draft.flagged() == list(SCORED_FIELDS)


def test_confidences_are_between_zero_and_one():
    draft = parse_card(card((80, [("Kevin Smith", 40), ("Plant Manager", 24),
                                  ("Tel. +1 (602) 730-9542", 20)])))
    assert set(draft.confidence) == set(SCORED_FIELDS)
    assert all(0.0 <= value <= 1.0 for value in draft.confidence.values())


VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\nORG:Acme\\, Inc.\r\n"
    "TITLE:Head of People\r\nTEL;TYPE=CELL:+1 555 010 0199\r\nTEL;TYPE=WORK,VOICE:+1 555 010 "
    "0100\r\nEMAIL;TYPE=INTERNET:jane@acme.example\r\nURL:https://acme.example\r\n"
    "ADR;TYPE=WORK:;;1 Main St;Springfield;IL;62701;USA\r\nEND:VCARD"
)


def test_vcard_payload():
    fields = parse_qr(VCARD)
    assert fields["name"] == "Jane Doe"
    assert fields["company"] == "Acme, Inc."
    assert fields["phones"] == [
        {"number": "+1 555 010 0199", "type": "mobile"},
        {"number": "+1 555 010 0100", "type": "work"},
    ]
    assert fields["address"] == "1 Main St, Springfield, IL, 62701, USA"


def test_mecard_and_url_payloads():
    fields = parse_qr("MECARD:N:Doe,Jane;TEL:+15550100;EMAIL:jane@acme.example;;")
    assert fields == {"name": "Jane Doe", "emails": ["jane@acme.example"],
                      "phones": [{"number": "+15550100", "type": "other"}]}
    assert parse_qr("https://acme.example/jane") == {"website": "https://acme.example/jane"}
    assert parse_qr("just some text") == {}


def test_qr_values_win_over_ocr_and_keep_what_only_ocr_saw():
    lines = card((80, [("Jane Dce", 40), ("M: +1 555 010 0199", 20), ("F: +1 555 010 0111", 20)]))
    draft = parse_card(lines, qr_payload=VCARD)
    assert draft.name == "Jane Doe"
    assert draft.confidence["name"] == 1.0
    numbers = {p["number"]: p["type"] for p in draft.phones}
    assert numbers == {"+1 555 010 0199": "mobile", "+1 555 010 0100": "work",
                       "+1 555 010 0111": "fax"}


@pytest.mark.parametrize("printed, name", [
    ("Dipl.-Ing. Hans Weber", "Hans Weber"),
    ("Anna Li Ph.D. MBA", "Anna Li"),
    ("Dr. Maria Santos", "Dr. Maria Santos"),
    ("Dr. Maria Santos PhD", "Dr. Maria Santos"),
])
def test_degrees_without_a_comma_are_dropped_dr_kept(printed, name):
    from server.domain.card_text.people import strip_certifications

    assert strip_certifications(printed) == name


@pytest.mark.parametrize("text, is_company", [
    ("Sunrise Traders Pvt. Itd", True),
    ("Harbour Freight 1td.", True),
    ("Itd Harbour", False),
    ("Kind regards", False),
])
def test_legal_forms_count_also_as_the_ocr_misreads_them(text, is_company):
    from server.domain.card_text.vocab import company_form

    assert company_form(text) is is_company
