import pytest


def test_an_anonymous_visitor_is_sent_to_login(client, catalog):
    for url in ("/codes/", "/codes/64681/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_the_code_list_groups_codes_by_family(clinician_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = clinician_client.get("/codes/")
    page = response.text
    assert response.status_code == 200
    assert "Neurolytic destruction" in page and "Chemodenervation" in page
    assert (
        page.index("Neurolytic destruction") < page.index("64681") < page.index("Chemodenervation")
    )
    assert page.index("Chemodenervation") < page.index("64643")


def test_the_code_list_searches_titles_and_codes(clinician_client):
    page = clinician_client.get("/codes/", {"q": "hypogastric"}).text
    assert "64681" in page
    assert "64643" not in page
    page = clinician_client.get("/codes/", {"q": "6464"}).text
    assert "64643" in page and "64681" not in page
    page = clinician_client.get("/codes/", {"q": "no-such-thing"}).text
    assert "No code matches" in page


def test_the_code_page_shows_the_checklist_with_reasons(clinician_client):
    response = clinician_client.get("/codes/64681/")
    page = response.text
    assert response.status_code == 200
    assert "Documentation checklist" in page
    for heading in ("Pre-procedure", "Procedure", "Post-procedure"):
        assert heading in page
    assert "Informed consent" in page
    assert "Required" in page and "Recommended" in page
    assert "One per session" in page or "per session" in page


def test_the_addon_page_names_its_primary_codes(clinician_client):
    page = clinician_client.get("/codes/64643/").text
    assert "Report only with" in page
    assert 'href="/codes/64642/"' in page and 'href="/codes/64644/"' in page


def test_an_unknown_code_is_a_404(clinician_client):
    assert clinician_client.get("/codes/99999/").status_code == 404


@pytest.mark.parametrize("code", ["64681", "64640", "64643", "64632"])
def test_each_starting_code_page_renders(clinician_client, code):
    assert clinician_client.get(f"/codes/{code}/").status_code == 200


def test_the_code_page_shows_help_per_payer_and_the_choices_offered(clinician_client):
    page = clinician_client.get("/codes/64632/").content.decode()
    assert "Medicare:</span> Medicare (LCD L34076, article A57201)" in page
    assert "Commercial plans:</span> Anthem CG-SURG-25" in page
    assert (
        "Offers: Medication (e.g. NSAIDs, neuropathic agents, antispasticity drugs); Activity "
        "modification; Padding or orthotic devices"
    ) in page
