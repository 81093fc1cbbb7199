"""The web interface in a real Chromium, on real node processes (see conftest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import expect

from liaison.demo.__main__ import _hit_only_phone
from liaison.demo.cluster import actor
from tests.web.browser.conftest import Cluster, Session

OpenAs = Callable[[str, str], Session]


def _no_csp_violations(*sessions: Session) -> None:
    reports = [line for s in sessions for line in s.console if "Content Security Policy" in line]
    assert reports == []


def test_sign_in_by_keyboard_and_the_dashboard(
    chromium: object, cluster: Cluster, shots: Path
) -> None:
    context = chromium.new_context(
        ignore_https_errors=True, viewport={"width": 1280, "height": 800}
    )  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(cluster.url("manila") + "/")
    expect(page).to_have_url(cluster.url("manila") + "/login?next=/")
    session = Session(page, cluster.url("manila"), shots)
    session.shot("01-sign-in")
    page.keyboard.type("officer")  # the user name field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(cluster.password("manila", "officer"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="Partners")).to_be_visible()
    expect(page.get_by_text("moscow")).to_be_visible()
    session.shot("02-dashboard")
    context.close()


def test_a_user_switches_the_interface_to_russian_and_filipino(open_as: OpenAs) -> None:
    tab = open_as("manila", "analyst")
    tab.go("/account")
    tab.page.get_by_label("Interface language").select_option("ru")
    tab.page.get_by_role("button", name="Save").click()
    expect(tab.page.locator("html")).to_have_attribute("lang", "ru")
    tab.go("/")
    expect(tab.page.get_by_role("button", name="Выйти")).to_be_visible()
    tab.shot("03-dashboard-ru")
    tab.go("/account")
    tab.page.locator("#language").select_option("fil")
    tab.page.locator("form[action='/account/language'] button").click()
    expect(tab.page.locator("html")).to_have_attribute("lang", "fil")
    tab.go("/")
    tab.shot("04-dashboard-fil")
    tab.go("/account")
    tab.page.locator("#language").select_option("en")
    tab.page.locator("form[action='/account/language'] button").click()
    _no_csp_violations(tab)


def _wait_for_text(tab: Session, path: str, text: str, tries: int = 60) -> None:
    """Reload ``path`` until ``text`` shows (federation delivers in the background);
    bounded: at most ``tries`` reloads, half a second apart."""
    for _ in range(tries):
        tab.go(path)
        if tab.page.get_by_text(text).count():
            return
        tab.page.wait_for_timeout(500)
    raise AssertionError(f"{text!r} never appeared on {path}")


def create_person(tab: Session, name: str) -> str:
    """An analyst fills the Person form with markings; returns the new record's id."""
    tab.go("/records/new?schema=Person")
    form = tab.page
    form.locator('[name="properties.name"]').fill(name)
    form.locator('[name="properties.birthDate"]').fill("1984-03-07")
    form.locator('[name="properties.nationality"]').select_option("ru")
    form.locator('[name="properties.phone"]').fill("+639171234567")
    form.locator('[name="markings.classification"]').select_option("RESTRICTED")
    form.locator('[name="markings.tlp"]').select_option("GREEN")
    form.locator('[name="markings.handling"][value="H0"]').check()
    form.locator('[name="subject_category"]').select_option("suspect")
    form.locator('[name="crime_area"]').select_option("drug_trafficking")
    form.locator('[name="purposes"][value="cross_check"]').check()
    form.locator('[name="purposes"][value="investigation"]').check()
    tab.shot("05-record-form")
    form.get_by_role("button", name="Create record").click()
    form.wait_for_url("**/records/rec-*")
    return form.url.rsplit("/", 1)[-1]


def test_an_analyst_records_a_person_and_it_reaches_the_partner(open_as: OpenAs) -> None:
    manila = open_as("manila", "analyst")
    name = "Пётр Сидоренко-Браузеров"
    record_id = create_person(manila, name)
    banner = manila.page.locator(".banner")
    expect(banner).to_contain_text("RESTRICTED")
    expect(banner).to_contain_text("TLP:GREEN")
    expect(banner).to_contain_text("H0")
    expect(banner).to_have_class("banner cls-restricted")
    expect(manila.page.get_by_text("moscow").first).to_be_visible()  # why moscow may see it
    manila.shot("06-record")
    moscow = open_as("moscow", "analyst")
    _wait_for_text(moscow, f"/records/{record_id}", name)
    expect(moscow.page.locator(".banner")).to_contain_text("TLP:GREEN")
    expect(moscow.page.get_by_text("manila").first).to_be_visible()  # the originator
    moscow.shot("07-record-at-partner")
    moscow.go("/records")
    expect(moscow.page.get_by_text(name)).to_be_visible()
    moscow.shot("08-records")
    _no_csp_violations(manila, moscow)


def test_hit_no_hit_then_a_follow_up_approved_for_chosen_fields(
    open_as: OpenAs, cluster: Cluster
) -> None:
    record_id, phone = _hit_only_phone(cluster.nodes["manila"])  # a victim: hit-only to moscow
    moscow = open_as("moscow", "analyst")
    moscow.go("/hits")
    moscow.page.locator("#partner").select_option(label="manila")
    moscow.page.locator("#purpose").select_option("cross_check")
    moscow.page.locator("#ids_phone").fill(f"{phone}\n+639170000000")
    moscow.shot("09-hits-question")
    moscow.page.get_by_role("button", name="Ask").click()
    expect(moscow.page.locator(".outcome.hit")).to_have_count(1)
    expect(moscow.page.get_by_text("no hit")).to_be_visible()
    moscow.shot("10-hits-answer")
    moscow.page.locator("#justification-1").fill(
        "The phone was found in a seized handset in a trafficking case (fictitious)."
    )
    moscow.page.get_by_role("button", name="Request the record").click()
    moscow.page.wait_for_url("**/followups/*")
    request_page = moscow.page.url.removeprefix(cluster.url("moscow"))
    moscow.shot("11-followup-filed")

    officer = open_as("manila", "officer")
    _wait_for_text(officer, "/followups?direction=in", "Request")
    officer.page.locator("table a[href^='/followups/']").first.click()
    for field in ("name", "birthDate", "nationality"):
        officer.page.locator(f"#field-{field}").check()
    officer.shot("12-followup-decision")
    officer.page.get_by_role("button", name="Approve the ticked fields").click()
    expect(officer.page.get_by_text("partly approved").first).to_be_visible()
    officer.shot("13-followup-approved")

    _wait_for_text(moscow, request_page, "partly approved")
    _wait_for_text(moscow, f"/records/{record_id}", "TLP:AMBER")  # manila's markings came along
    moscow.shot("14-released-record")
    officer.go("/")
    officer.shot("15-dashboard-officer")
    _no_csp_violations(moscow, officer)


def test_search_across_scripts_screening_with_progress_and_alerts(
    open_as: OpenAs, tmp_path: Path
) -> None:
    tab = open_as("manila", "analyst")
    create_person(tab, "Алексей Скрининговый")
    tab.go("/search")
    tab.page.locator("#q").fill("Aleksei Skriningovyi")  # Latin for a Cyrillic record
    tab.page.get_by_role("button", name="Search").click()
    expect(tab.page.get_by_role("link", name="Алексей Скрининговый")).to_be_visible()
    tab.shot("16-search")
    upload = tmp_path / "names.csv"
    upload.write_text(
        "name,birth_date,country\nAleksei Skriningovyi,1984-03-07,ru\n"
        "Juan dela Cruz,1990-01-01,ph\n,1990-01-01,ph\n"
    )
    tab.go("/screening")
    tab.page.locator("#file").set_input_files(str(upload))
    tab.page.get_by_role("button", name="Start screening").click()
    tab.page.wait_for_url("**/screening/*")
    expect(tab.page.locator("progress")).to_be_attached()
    expect(tab.page.get_by_role("link", name="Алексей Скрининговый")).to_be_visible(timeout=60_000)
    expect(tab.page.get_by_text("Rows not screened")).to_be_visible()
    tab.shot("17-screening")
    tab.go("/alerts")
    expect(tab.page.get_by_role("heading", name="Alerts")).to_be_visible()
    tab.shot("18-alerts")
    _no_csp_violations(tab)


def test_search_by_a_phone_written_locally(open_as: OpenAs, cluster: Cluster) -> None:
    with cluster.nodes["manila"].open() as node:
        made = node.records.create(
            actor(node, "analyst"),
            {
                "schema": "Person",
                "properties": {"name": ["Rosa Telepono"], "phone": ["+639175550123"]},
            },
            {"crime_area": "fraud", "markings": {"classification": "RESTRICTED", "tlp": "GREEN"}},
        )
    tab = open_as("manila", "analyst")
    tab.go("/search")
    tab.page.locator("#q").fill("0917 555 0123")
    tab.page.locator("#country").fill("PH")
    tab.page.get_by_role("button", name="Search").click()
    expect(tab.page.get_by_text("Looked up as an identifier:")).to_be_visible()
    expect(tab.page.locator(".read-as")).to_contain_text("Phone number +639175550123")
    expect(tab.page.get_by_role("link", name="Rosa Telepono")).to_have_attribute(
        "href", f"/records/{made.record_id}"
    )
    tab.shot("16a-search-phone")
    tab.page.locator("#q").fill("+63 917 555 0123")
    tab.page.locator("#country").fill("")
    tab.page.get_by_role("button", name="Search").click()
    expect(tab.page.get_by_role("link", name="Rosa Telepono")).to_be_visible()
    _no_csp_violations(tab)


def _linked_people(cluster: Cluster) -> str:
    """Two fictitious people, their association and a passport, at manila."""
    envelope = {
        "crime_area": "drug_trafficking",
        "subject_category": "suspect",
        "purposes": ["investigation"],
        "markings": {"classification": "RESTRICTED", "tlp": "AMBER", "handling": ["H0"]},
    }
    entities = [
        {"id": "gr-a", "schema": "Person", "properties": {"name": ["Maria Grafova"]}},
        {"id": "gr-b", "schema": "Person", "properties": {"name": ["Juan Grafo dela Cruz"]}},
        {
            "id": "gr-link",
            "schema": "Associate",
            "properties": {"person": ["gr-a"], "associate": ["gr-b"], "relationship": ["partner"]},
        },
        {
            "id": "gr-pass",
            "schema": "Passport",
            "properties": {"holder": ["gr-a"], "number": ["P1234567"], "country": ["ph"]},
        },
    ]
    with cluster.nodes["manila"].open() as node:
        analyst = actor(node, "analyst")
        made = [node.records.create(analyst, e, _fits(e["schema"], envelope)) for e in entities]
    return made[0].record_id


def _fits(schema: str, envelope: dict[str, object]) -> dict[str, object]:
    """A data-subject category belongs to persons only."""
    return envelope if schema == "Person" else {**envelope, "subject_category": None}


def test_the_link_graph_then_agreements_audit_and_administration(
    open_as: OpenAs, cluster: Cluster
) -> None:
    start = _linked_people(cluster)
    tab = open_as("manila", "analyst")
    tab.go(f"/graph?record={start}")
    expect(tab.page.locator("#graph canvas").first).to_be_attached()
    nodes = tab.page.locator("#graph-nodes li")
    expect(nodes).to_have_count(3)  # the person, the associate, the passport
    expect(tab.page.locator("#graph-nodes")).to_contain_text("Juan Grafo dela Cruz")
    tab.page.wait_for_timeout(500)  # the layout animation settles
    tab.shot("19-graph")
    tab.page.locator("#graph-nodes a", has_text="Juan Grafo dela Cruz").click()
    expect(tab.page.locator(".banner")).to_contain_text("TLP:AMBER")

    officer = open_as("manila", "officer")
    officer.go("/agreements")
    officer.shot("20-agreements")
    officer.page.get_by_role("link", name="ph-ru-demo-2026").first.click()
    expect(officer.page.get_by_text("moscow").first).to_be_visible()
    officer.shot("21-agreement")

    auditor = open_as("manila", "auditor")
    auditor.go("/audit")
    auditor.shot("22-audit")
    auditor.page.get_by_role("button", name="Verify now").click()
    expect(auditor.page.get_by_text("Intact").first).to_be_visible()
    auditor.shot("23-audit-verified")
    auditor.go("/neutrality")
    auditor.shot("24-neutrality")

    admin = open_as("manila", "admin")
    admin.go("/admin")
    expect(admin.page.get_by_role("cell", name="auditor", exact=True).first).to_be_visible()
    admin.shot("25-administration")
    _no_csp_violations(tab, officer, auditor, admin)
