"""English labels of the closed vocabularies a page shows (roles, purposes,
states, markings...), as message ids for the catalogues. Templates call
``_(value)`` with the raw value (``cross_check``); ``gettext`` below looks the
value up here first, so the page shows "cross-check" in English and its
translation in Filipino or Russian. ``N_`` marks a message id for extraction
without translating it (the page translates it when it renders)."""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - as N_, for ngettext
    return singular, plural


LABELS: dict[str, str] = {
    # roles
    "administrator": N_("administrator"),
    "analyst": N_("analyst"),
    "liaison_officer": N_("liaison officer"),
    "supervisor": N_("supervisor"),
    "auditor": N_("auditor"),
    # purposes
    "cross_check": N_("cross-check"),
    "operational_analysis": N_("operational analysis"),
    "strategic_analysis": N_("strategic analysis"),
    "alert": N_("alert"),
    "investigation": N_("investigation"),
    # crime areas
    "terrorism": N_("terrorism"),
    "drug_trafficking": N_("drug trafficking"),
    "human_trafficking": N_("human trafficking"),
    "migrant_smuggling": N_("migrant smuggling"),
    "firearms_trafficking": N_("firearms trafficking"),
    "money_laundering": N_("money laundering"),
    "cybercrime": N_("cybercrime"),
    "fraud": N_("fraud"),
    "corruption": N_("corruption"),
    "organised_crime": N_("organised crime"),
    "piracy": N_("piracy"),
    "environmental_crime": N_("environmental crime"),
    "child_sexual_exploitation": N_("child sexual exploitation"),
    "other": N_("other"),
    # data-subject categories
    "suspect": N_("suspect"),
    "convicted": N_("convicted"),
    "victim": N_("victim"),
    "witness": N_("witness"),
    "contact": N_("contact"),
    "informant": N_("informant"),
    # classification
    "UNCLASSIFIED": N_("UNCLASSIFIED"),
    "RESTRICTED": N_("RESTRICTED"),
    "CONFIDENTIAL": N_("CONFIDENTIAL"),
    "SECRET": N_("SECRET"),
    "TOP_SECRET": N_("TOP SECRET"),
    "TOP SECRET": N_("TOP SECRET"),
    # follow-up states
    "pending": N_("pending"),
    "more": N_("more information asked"),
    "approved": N_("approved"),
    "partly": N_("partly approved"),
    "denied": N_("denied"),
    # alert states
    "open": N_("open"),
    "confirmed": N_("confirmed"),
    "rejected": N_("rejected"),
    "escalated": N_("escalated"),
    # retention standing
    "current": N_("current"),
    "review_soon": N_("review soon"),
    "overdue": N_("overdue"),
    "expired": N_("expired"),
    # neutrality
    "held": N_("held"),
    "released": N_("released"),
    "upheld": N_("upheld"),
    # fact or assessment, on expiry, evaluation schemes
    "fact": N_("fact"),
    "assessment": N_("assessment"),
    "delete": N_("delete"),
    "review": N_("review"),
    "admiralty": N_("Admiralty"),
    "europol": N_("Europol"),
    # uses of a record, copy levels
    "view": N_("view"),
    "push": N_("push"),
    "hit_only": N_("hit only"),
    "export": N_("export"),
    "onward_share": N_("onward sharing"),
    "court_use": N_("use in court"),
    "coercive_alert": N_("coercive alert"),
    "full": N_("full record"),
    "reference": N_("reference only"),
    # policy rules
    "agreement": N_("agreement"),
    "scope": N_("scope"),
    "purpose": N_("purpose"),
    "exclusion": N_("exclusion"),
    "classification": N_("classification"),
    "clearance": N_("clearance"),
    "role": N_("role"),
    "tlp": N_("TLP"),
    "handling": N_("handling codes"),
    "onward": N_("onward sharing"),
    "retention": N_("retention"),
    "neutrality": N_("neutrality"),
    "grading": N_("grading"),
    "release": N_("release"),
    # agreement states, audit results
    "draft": N_("draft"),
    "active": N_("active"),
    "suspended": N_("suspended"),
    "terminated": N_("terminated"),
    "ok": N_("ok"),
    "failed": N_("failed"),
}


#: Every FollowTheMoney schema a record may have, by name, with its English label as
#: FtM writes it (a test keeps the two in step): the message ids that translate a
#: record's type wherever a page names it (``_(schema_label(name))``).
SCHEMATA: dict[str, str] = {
    "Address": N_("Address"),
    "Airplane": N_("Airplane"),
    "Article": N_("Article"),
    "Asset": N_("Asset"),
    "Associate": N_("Associate"),
    "Audio": N_("Audio"),
    "BankAccount": N_("Bank account"),
    "Call": N_("Call"),
    "CallForTenders": N_("Call for tenders"),
    "Company": N_("Company"),
    "Contract": N_("Contract"),
    "ContractAward": N_("Contract award"),
    "Control": N_("Control"),
    "CourtCase": N_("Court case"),
    "CourtCaseParty": N_("Case party"),
    "CryptoWallet": N_("Cryptocurrency wallet"),
    "Debt": N_("Debt"),
    "Directorship": N_("Directorship"),
    "Document": N_("File"),
    "Documentation": N_("Documentation"),
    "EconomicActivity": N_("Customs declaration"),
    "Email": N_("E-Mail"),
    "Employment": N_("Employment"),
    "Event": N_("Event"),
    "Family": N_("Family"),
    "Folder": N_("Folder"),
    "HyperText": N_("Web page"),
    "Identification": N_("Identification"),
    "Image": N_("Image"),
    "LegalEntity": N_("Legal entity"),
    "License": N_("License"),
    "Membership": N_("Membership"),
    "Mention": N_("Mention"),
    "Message": N_("Message"),
    "Note": N_("Note"),
    "Occupancy": N_("Occupancy"),
    "Organization": N_("Organization"),
    "Ownership": N_("Ownership"),
    "Package": N_("Package"),
    "Page": N_("Page"),
    "Pages": N_("Document"),
    "Passport": N_("Passport"),
    "Payment": N_("Payment"),
    "Person": N_("Person"),
    "PlainText": N_("Text file"),
    "Position": N_("Position"),
    "Project": N_("Project"),
    "ProjectParticipant": N_("Project participant"),
    "PublicBody": N_("Public body"),
    "RealEstate": N_("Real estate"),
    "Representation": N_("Representation"),
    "Risk": N_("Risk"),
    "Sanction": N_("Sanction"),
    "Security": N_("Security"),
    "Similar": N_("Similar"),
    "Succession": N_("Succession"),
    "Table": N_("Table"),
    "TaxRoll": N_("Tax roll"),
    "Territory": N_("Territory"),
    "Trip": N_("Trip"),
    "UnknownLink": N_("Other link"),
    "UserAccount": N_("User account"),
    "Vehicle": N_("Vehicle"),
    "Vessel": N_("Vessel"),
    "Video": N_("Video"),
    "Workbook": N_("Workbook"),
}


def labelled(gettext: Callable[[str], str]) -> Callable[[str], str]:
    """``gettext`` that reads a vocabulary value as its English label first."""

    def translate(message: str) -> str:
        return gettext(LABELS.get(message, message)) if message else ""

    return translate
