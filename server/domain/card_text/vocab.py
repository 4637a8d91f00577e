"""Word lists the card parser matches against (English, German, French, Spanish, Portuguese).

Entries are lower case and accent-bearing as printed; matching folds case only, so
"DIRECTOR" and "Director" both hit "director". Lists hold words of a kind (job words,
company forms, street words), never names or values from any particular card.
"""

from __future__ import annotations

import re

# Words that name a role: one of them makes a line a job title.
TITLE_WORDS = frozenset(
    """
    manager managers director directors head chief officer president vice vp svp evp avp
    ceo cto cfo coo cio cmo cpo cro chro founder co-founder cofounder owner partner principal
    associate assistant analyst engineer developer designer architect consultant recruiter
    specialist coordinator administrator executive lead supervisor accountant attorney lawyer
    counsel advisor adviser representative agent broker scientist researcher professor
    lecturer teacher doctor nurse technician intern trainee secretary treasurer editor writer
    producer strategist planner buyer controller auditor surveyor chairman chairwoman
    chairperson chair fellow generalist coach trainer instructor receptionist clerk leader
    superintendent foreman pharmacist therapist dentist physician surgeon paralegal notary
    banker underwriter actuary economist estimator inspector dispatcher chef stylist
    geschäftsführer geschäftsführerin inhaber inhaberin referent referentin berater beraterin
    entwickler entwicklerin ingenieur ingenieurin sachbearbeiter sachbearbeiterin
    mitarbeiter mitarbeiterin assistenz vorstand prokurist prokuristin leiter leiterin
    direktor direktorin kaufmann kauffrau architektin recruiterin sekretärin steuerberater
    rechtsanwalt rechtsanwältin partnerin
    directeur directrice responsable chargé chargée ingénieur gérant gérante président
    présidente consultante conseiller conseillère assistante associé associée commerciale
    développeur développeuse recruteur recruteuse comptable avocat avocate technicien
    technicienne analyste stagiaire fondateur fondatrice adjoint adjointe attaché attachée
    délégué déléguée secrétaire chercheur chercheuse architecte juriste acheteur acheteuse
    coordinateur coordinatrice gestionnaire pdg dg drh
    directora gerente jefe jefa ingeniero ingeniera consultor consultora asesor asesora
    coordinador coordinadora administradora socio socia presidenta abogado abogada contador
    contadora desarrollador desarrolladora diseñador diseñadora ejecutivo ejecutiva técnico
    técnica vendedor vendedora especialista asistente auxiliar encargado encargada fundadora
    reclutador reclutadora supervisora arquitecto arquitecta médico médica profesor profesora
    secretario secretaria
    diretor diretora coordenador coordenadora engenheiro engenheira assessor assessora sócio
    sócia advogado advogada executivo executiva recrutador recrutadora desenvolvedor
    desenvolvedora arquiteto arquiteta professora secretário secretária administrador gestor
    gestora encarregado chefe estagiário estagiária proprietário proprietária corretor
    corretora analista superintendente
    """.split()
)
# Words for the area a person works in: a title's second half ("of Human Resources").
TITLE_AREAS = frozenset(
    """
    sales recruitment recruiting talent acquisition operations product project program
    programme hr people resources human marketing finance engineering development delivery
    business account accounts customer success support relations communications procurement
    purchasing logistics quality compliance legal research partnerships data platform
    software security infrastructure sourcing staffing hiring ux ui devops qa it board team
    senior junior staff managing general regional national global technical
    vertrieb personal entwicklung einkauf verkauf personalwesen
    recrutement commercial études ressources humaines
    ventas recursos humanos comercial
    vendas operações financeiro financeira compras logística projetos atendimento gerência
    diretoria presidência consultoria
    """.split()
)

# Stems found inside German compounds ("Vertriebsleiter", "Personalreferentin").
TITLE_STEMS = ("leiter", "referent", "berater", "führer", "entwickler", "ingenieur", "manager",
               "direktor", "assistent", "spezialist", "sachbearbeiter", "beauftragte",
               "vorstand", "recruiter")

# Legal forms: a line ending in (or holding) one of these names a company.
COMPANY_FORMS = (
    "llc", "l.l.c.", "inc", "inc.", "incorporated", "corp", "corp.", "corporation", "co.",
    "company", "ltd", "ltd.", "limited", "plc", "llp", "l.p.", "gmbh", "kgaa", "gbr", "ohg", "e.k.",
    "e.v.", "mbh", "s.a.", "s.a.s.", "sarl",
    "s.a.r.l.", "sàrl", "eurl", "s.l.", "s.l.u.", "s.a.u.", "s.r.l.", "srl", "s.p.a.", "b.v.",
    "n.v.", "pvt", "pvt.", "pty", "pty.", "ltda", "ltda.", "lda",
    "lda.", "eireli", "s/a", "s.c.", "a/s", "k.k.", "group", "groupe", "grupo", "holding",
    "holdings", "& co.", "& cie", "cie", "associates", "partners", "partnerschaft",
    "unipessoal", "s.c.p.",
)
# Short forms that are also ordinary words ("se", "me", "ab"): they count only in capitals.
COMPANY_FORMS_CAPS = ("SE", "SA", "AG", "KG", "ME", "EPP", "AB", "AS", "BV", "NV", "UG", "OY",
                      "SAS", "SPA", "LP", "PC", "PLLC")

# Words companies use in their names (weaker than a legal form: "Marketing" is also a job).
COMPANY_WORDS = frozenset(
    """
    labs lab media systems solutions software technologies technology tech technik
    consulting consultancy consultants capital ventures energy foods textiles analytics
    automation logistik logistics maschinenbau medizintechnik architects bank insurance
    studio studios agency agentur atelier industries international global services network
    networks design pharma health healthcare motors robotics manufacturing infotech biotech
    advisory law legal realty properties construction bau immobilien versicherung
    entreprise société conseil industrie sociedade empresa construtora comércio comercio
    indústria industria serviços servicios tecnologia tecnología soluções soluciones
    consultoria advogados abogados associados asociados engenharia ingeniería imobiliária
    inmobiliaria distribuidora transportes alimentos seguros investimentos investments
    trading enterprises foundation institute institut instituto university universidade
    universidad université hochschule clinic klinik clínica hospital hotel restaurant
    academy akademie school escola escuela college council association verband
    """.split()
)

# Phone labels -> the schema's phone type. Longest first so "Mobil" wins over "M".
PHONE_LABELS: dict[str, str] = {
    "mobile": "mobile", "mobil": "mobile", "mob": "mobile", "cell": "mobile",
    "cellular": "mobile", "cellphone": "mobile", "handy": "mobile", "celular": "mobile",
    "cel": "mobile", "telemóvel": "mobile", "telemovel": "mobile", "tlm": "mobile",
    "tlmv": "mobile", "móvil": "mobile", "movil": "mobile", "portable": "mobile",
    "port": "mobile", "gsm": "mobile", "whatsapp": "mobile", "m": "mobile", "c": "mobile",
    "fax": "fax", "telefax": "fax", "télécopie": "fax", "f": "fax",
    "tel": "work", "tél": "work", "tél.": "work", "telefon": "work", "telefone": "work",
    "teléfono": "work", "telefono": "work", "téléphone": "work", "telephone": "work",
    "phone": "work", "ph": "work", "office": "work", "off": "work", "direct": "work",
    "dir": "work", "durchwahl": "work", "büro": "work", "fixe": "work", "fixo": "work",
    "work": "work", "main": "work", "landline": "work", "p": "work", "t": "work",
    "o": "work", "d": "work", "fone": "work", "tf": "work", "tlf": "work",
    "switchboard": "work", "zentrale": "work", "standard": "work",
}

EMAIL_LABELS = ("e-mail", "email", "e-post", "mail", "correo", "courriel", "e")
WEB_LABELS = ("website", "web", "internet", "site", "url", "homepage", "página", "www:", "w")

# A line starting with one of these is a handle or a registration, never a field.
NOISE_PREFIXES = (
    "skype", "linkedin", "twitter", "instagram", "insta", "facebook", "fb", "github",
    "xing", "wechat", "telegram", "x:", "x.com", "ig:", "in:", "in/", "tiktok", "youtube",
    "ust-id", "ust.-id", "ustid", "ust-idnr", "steuer-nr", "steuernummer", "vat", "tva",
    "n° tva", "siret", "siren", "rcs", "hrb", "hra", "amtsgericht", "registergericht", "sitz",
    "geschäftsführer:", "gstin", "cin", "pan:", "nmls", "license", "licence", "lic.", "lic#",
    "cnpj", "cpf", "nif", "nipc", "crea", "oab", "creci", "crm", "abn", "acn", "company no",
    "company reg", "registered", "reg. no", "reg no", "est.", "est ", "since", "founded",
    "©", "(c)", "iban", "bic", "swift", "ape", "naf", "capital social", "inscrição", "ie:",
)

SOCIAL_DOMAINS = ("linkedin.", "twitter.", "x.com", "facebook.", "instagram.", "xing.",
                  "github.", "youtube.", "tiktok.", "t.me", "wa.me", "skype")

# Certifications and post-nominals printed after a name ("Jane Doe, CPA").
CERTIFICATIONS = frozenset(
    """
    mba pmp cpa cfa phd ph.d. ph.d md m.d. jd j.d. esq esq. ca cs pe p.e. shrm-cp shrm-scp phr
    sphr cipd fcipd mcipd assoc chartered cissp cisa cism acca fca aca cima cfp cma rn msc
    m.sc. bsc b.sc. ma m.a. ba b.a. meng m.eng. dipl.-ing. dipl.-kfm. mcp mcse ccna ccnp
    itil csm cpc cphr gphr ceng frics mrics aia leed ap fcca cpp
    """.split()
)
# Suffixes that are part of a name ("Jr.", "III").
NAME_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv v junior senior".split())
# Lower-case words allowed inside a name ("Femke van den Heuvel", "Maria da Silva").
NAME_PARTICLES = frozenset(
    "van von der den de del della di da das do dos du la le y e zu ter ten bin binti al el".split()
)

STREET_WORDS = frozenset(
    """
    street st st. road rd rd. avenue ave ave. av av. blvd blvd. boulevard lane ln ln. drive dr
    way walk row place pl pl. square sq court ct parkway pkwy highway hwy terrace close
    gardens mews hill grove circle cir suite ste ste. unit floor fl fl. building bldg bldg.
    tower house park plot sector nagar marg salai apt apt. apartment po p.o. box block
    straße strasse str str. weg platz allee gasse ring damm ufer chaussee stock etage
    rue cours bd bd. quai chemin impasse allée bâtiment étage cedex bp
    calle avenida paseo plaza carrera piso planta oficina
    rua travessa largo praça alameda estrada rodovia andar sala conjunto cj bloco lote
    bairro cep loja edifício edificio lugar quinta zona
    """.split()
)
# Street words glued to the end of a German street name ("Mozartstraße", "Goetheweg").
STREET_SUFFIXES = ("straße", "strasse", "str.", "weg", "platz", "allee", "gasse", "ring",
                   "damm", "ufer", "chaussee", "markt", "hof")

COUNTRIES: dict[str, str] = {
    "usa": "US", "u.s.a.": "US", "united states": "US", "us": "US", "uk": "GB",
    "united kingdom": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "germany": "DE", "deutschland": "DE", "france": "FR", "india": "IN", "brasil": "BR",
    "brazil": "BR", "portugal": "PT", "spain": "ES", "españa": "ES", "espanha": "ES",
    "schweiz": "CH", "switzerland": "CH", "suisse": "CH", "österreich": "AT", "austria": "AT",
    "nederland": "NL", "netherlands": "NL", "italia": "IT", "italy": "IT", "ireland": "IE",
    "canada": "CA", "belgium": "BE", "belgique": "BE", "méxico": "MX", "mexico": "MX",
    "argentina": "AR", "chile": "CL", "colombia": "CO", "angola": "AO", "moçambique": "MZ",
    "luxembourg": "LU", "australia": "AU", "singapore": "SG",
}

# Country-code top-level domains -> phone region (generic ones like .com say nothing).
TLD_REGIONS: dict[str, str] = {
    "de": "DE", "fr": "FR", "uk": "GB", "in": "IN", "br": "BR", "pt": "PT", "es": "ES",
    "it": "IT", "nl": "NL", "ch": "CH", "at": "AT", "be": "BE", "ie": "IE", "ca": "CA",
    "au": "AU", "mx": "MX", "ar": "AR", "cl": "CL", "co": "CO", "lu": "LU", "us": "US",
    "ao": "AO", "mz": "MZ", "sg": "SG",
}

US_STATES = frozenset(
    """AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV
    NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY""".split()
)
BR_STATES = frozenset(
    "AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO".split()
)
INDIAN_STATES = frozenset(
    """andhra arunachal assam bihar chhattisgarh goa gujarat haryana himachal jharkhand
    karnataka kerala madhya maharashtra manipur meghalaya mizoram nagaland odisha punjab
    rajasthan sikkim tamil telangana tripura uttar uttarakhand bengal delhi""".split()
)

WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*\.?", re.UNICODE)


def words(text: str) -> list[str]:
    """The letter words of `text`, lower-cased, keeping inner hyphens and apostrophes."""
    return [w.lower() for w in WORD_RE.findall(text)]


def title_hits(text: str) -> tuple[int, int]:
    """(role words, area words) in `text`; German compounds count by their stem."""
    roles = areas = 0
    for word in words(text):
        bare = word.rstrip(".")
        if bare in TITLE_WORDS or any(stem in bare for stem in TITLE_STEMS):
            roles += 1
        elif bare in TITLE_AREAS:
            areas += 1
    return roles, areas


# How the OCR misreads legal forms ("Ltd" with a capital I or a one); only after another word.
MISREAD_FORMS = ("itd", "itd.", "1td", "1td.", "lld", "lld.", "pvt.itd", "pvt.ltd", "pvt.ltd.")


def company_form(text: str) -> bool:
    """True when `text` carries a legal form (GmbH, Ltd., S.A., Ltda. ...), also as the OCR
    commonly misreads it ("Pvt. Itd")."""
    folded = " " + text.lower().replace(",", " ") + " "
    if any(f" {form} " in folded for form in COMPANY_FORMS):
        return True
    later = folded.split()[1:]
    if any(word in MISREAD_FORMS for word in later):
        return True
    tokens = text.replace(",", " ").split()
    return any(token.rstrip(".") in COMPANY_FORMS_CAPS for token in tokens[1:])


def company_word_hits(text: str) -> int:
    """How many words of `text` are words companies name themselves with."""
    return sum(1 for word in words(text) if word.rstrip(".") in COMPANY_WORDS)
