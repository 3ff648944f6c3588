"""citoyens_guard on its test_data/: a script in an article is gone from the page, a ``Save_as:`` is
refused with its file and line, and the rest of the site is published."""

from __future__ import annotations


def test_what_a_volunteer_writes_is_made_safe_and_kept_in_its_site(plugin_network):
    report = plugin_network.build()
    assert [str(problem) for problem in report.sites[0].problems] == [
        "sites/radio/content/ailleurs.md:3: 'Save_as:' is not allowed in content: "
        "addresses are set by citoyens"
    ]
    page = plugin_network.read("radio/emission.html")
    assert "Une émission en public." in page and "un bon lien</a>" in page
    for active in ("<script>alert", "javascript:", "onclick"):
        assert active not in page
    assert "<h1>L&#39;émission du jeudi</h1>" in page  # the title is plain text
    published = b"".join(path.read_bytes() for path in plugin_network.output.rglob("*") if path.is_file())
    assert "Écrite hors du site".encode() not in published
    assert not (plugin_network.output / "autre-site").exists()
