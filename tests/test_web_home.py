def test_home_explains_the_product_and_carries_the_disclaimer(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "B12 Tracker" in html
    assert "does not diagnose" in html
    assert "healthcare professional" in html
    assert 'href="/api/docs/"' in html
