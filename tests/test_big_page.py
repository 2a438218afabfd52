"""A page far longer than a unit of work (a concatenated dump) is tagged a unit of articles at a
time and its tagged articles wait on disk: the same record as tagging it whole. Memory and time
on 1-50 MB pages are measured by bench/big_page.py, not here."""
from conftest import SEEDS

from kg import extraction, tag


def test_a_long_page_is_split_and_spooled_with_the_same_result(tmp_path, monkeypatch):
    page = tmp_path / "dump.txt"
    page.write_text("\n\n\n".join(s.read_text("utf-8") for s in SEEDS * 2), "utf-8")
    whole = extraction.extract([page])
    monkeypatch.setattr(tag, "UNIT_CHARS", 1500)  # so that the seeds make a "huge" page
    monkeypatch.setattr(tag, "BIG_PAGE", 3000)
    (tagged,) = list(tag.tag_pages([page]))
    assert isinstance(tagged.articles, tag.SpooledArticles) and len(tagged.articles) > 10
    assert len(tag._parts(tag.read.read_page(page))) > 10
    assert list(tagged.articles) == list(tagged.articles)  # read back whole on every pass
    assert extraction.extract([page]) == whole
    assert whole[0]["visits"] and whole[0]["entities"]
