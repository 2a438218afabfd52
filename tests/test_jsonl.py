"""kg.read.read_jsonl: a JSONL corpus (gzip or plain) as a stream of articles with their dates."""
import gzip
import json

from kg import read
from kg.errors import InputError


def test_jsonl_articles_stream_with_their_dates_and_bad_lines_named(tmp_path):
    lines = [json.dumps({"id": "a1", "date": "2024-12-24", "title": "陈刚赴果洛调研", "text": "省委书记陈刚赴果洛藏族自治州调研。"},
                        ensure_ascii=False), "{broken", json.dumps({"id": "a2", "text": ""}), "",
             json.dumps({"id": 3, "title": "", "text": "西宁市召开会议。"}, ensure_ascii=False)]
    plain, packed = tmp_path / "c.jsonl", tmp_path / "c.jsonl.gz"
    plain.write_text("\n".join(lines) + "\n", "utf-8")
    with gzip.open(packed, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    for path in (plain, packed):
        items = list(read.read_jsonl(path))
        good = [i for i in items if isinstance(i, read.Published)]
        bad = [str(i) for i in items if isinstance(i, InputError)]
        assert [(g.id, g.published, g.article.index) for g in good] == [("a1", "2024-12-24", 0), ("3", None, 1)]
        assert good[0].article.text == "陈刚赴果洛调研\n省委书记陈刚赴果洛藏族自治州调研。"
        assert good[0].article.headline == "陈刚赴果洛调研"
        assert bad == [f"{path}:2: not JSON (Expecting property name enclosed in double quotes)",
                       f"{path}:3: empty text"]
    (missing,) = read.read_jsonl(tmp_path / "none.jsonl")
    assert str(missing).endswith("none.jsonl: no such file")
    truncated = tmp_path / "t.jsonl.gz"
    truncated.write_bytes(packed.read_bytes()[:-20])
    items = list(read.read_jsonl(truncated))
    assert isinstance(items[-1], InputError) and "cannot read past line" in str(items[-1])
