def test_home_explains_the_product_and_carries_the_disclaimer(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "B12 Tracker" in html
    assert "does not diagnose" in html
    assert "healthcare professional" in html
    assert 'href="/api/docs/"' in html


def test_a_person_signs_in_on_the_web_and_reaches_their_pages(client, db):
    from tests.factories import PASSWORD, make_user

    make_user(email="walter@example.org")
    assert client.get("/screening/")["Location"].startswith("/accounts/login/")

    response = client.post(
        "/accounts/login/?next=/screening/",
        {"username": "Walter@example.org", "password": PASSWORD, "next": "/screening/"},
    )

    assert response.status_code == 302 and response["Location"] == "/screening/"
    assert client.get("/screening/").status_code == 200


def test_the_web_sign_in_locks_out_after_repeated_failures(client, db, settings):
    from tests.factories import PASSWORD, make_user

    make_user(email="walter@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "walter@example.org", "password": "nope"})
    locked = client.post(
        "/accounts/login/", {"username": "walter@example.org", "password": PASSWORD}
    )
    assert locked.status_code == 429


def test_a_visitor_is_invited_to_create_an_account_or_sign_in(client, db):
    from tracker.domain.disclaimer import DISCLAIMER

    html = client.get("/").content.decode()

    assert 'class="button" href="/accounts/signup/"' in html
    assert 'class="button secondary" href="/accounts/login/"' in html
    assert str(DISCLAIMER) in html  # the one disclaimer text, not a copy of it
    assert "Go to your dashboard" not in html
    assert "<style" not in html and " style=" not in html


def test_a_signed_in_visitor_is_shown_the_way_to_their_dashboard(client, db):
    from tests.factories import make_user

    client.force_login(make_user())

    html = client.get("/").content.decode()

    assert 'class="button" href="/dashboard/"' in html and "Go to your dashboard" in html
    assert 'href="/accounts/signup/"' not in html
