"""Fuzzing the input side: random bytes, random Unicode in any encoding, huge lines, NUL bytes,
mixed encodings and malformed HTML go through `kg.read` and `kg extract` as a result or as one
line naming the file, never a traceback."""
import json

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS
from kg import read
from kg.cli import main
from kg.errors import InputError

SEED = SEEDS[3].read_text("utf-8")
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "big5", "latin-1"]
TAGS = ["<p>", "</p>", "<div class=x>", "</div", "<br/>", "<script>", "</script>", "<!--", "-->", "<html>",
        "<td>", "<style>a{}", "&nbsp;", "&#x9648;", "&#99999999;", "<<", ">", "<a href='", "<![CDATA[", "<head>"]


def _encode(text: str, enc: str) -> bytes:
    return text.encode(enc, "replace") if enc not in ("utf-16", "utf-16-le", "utf-8", "utf-8-sig") else text.encode(enc)


@st.composite
def page_bytes(draw, huge: int = 200_000):
    """Bytes of a page of one of the kinds that break readers (`huge`: the length of a huge line)."""
    kind = draw(st.sampled_from(["bytes", "unicode", "huge line", "nul", "mixed", "html"]))
    if kind == "bytes":
        return draw(st.binary(max_size=3000))
    text = draw(st.text(max_size=400))
    if kind == "unicode":
        return _encode(text, draw(st.sampled_from(ENCODINGS)))
    if kind == "huge line":
        piece = draw(st.sampled_from([SEED.replace("\n", ""), "省委书记陈刚" * 50, text or "字", "a"]))
        return (piece * (huge // max(1, len(piece)) + 1))[:huge].encode("utf-8")
    if kind == "nul":
        data = bytearray(_encode(SEED[:2000] + text, draw(st.sampled_from(["utf-8", "gb18030"]))))
        for i in draw(st.lists(st.integers(0, len(data)), min_size=1, max_size=20)):
            data[i:i] = b"\0"
        return bytes(data)
    if kind == "mixed":
        parts = draw(st.lists(st.tuples(st.sampled_from([SEED[:800], text, "果洛藏族自治州调研"]),
                                        st.sampled_from(ENCODINGS)), min_size=2, max_size=5))
        return b"".join(_encode(t, e) for t, e in parts)
    tags = draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=40))
    return "".join(t + draw(st.sampled_from(["", text, SEED[:300], "\n"])) for t in tags).encode("utf-8")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=page_bytes())
def test_read_gives_a_page_or_one_line_naming_the_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "page.txt"
    path.write_bytes(data)
    try:
        page = read.read_page(path)
    except InputError as e:
        assert str(e).startswith(f"{path}: ") and "\n" not in str(e)
        return
    assert page.source == str(path) and page.text.strip()
    for a in page.articles:  # every article maps back into the page text
        for seg in a.segments:
            assert a.text[seg.text_start:seg.text_start + seg.length] == page.text[seg.source_start:seg.source_start + seg.length]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(page_bytes(huge=20_000), min_size=1, max_size=3))  # tagging a huge line is slow
def test_kg_extract_gives_records_or_one_line_per_bad_file(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("pages")
    for i, data in enumerate(files):
        (folder / f"p{i}.txt").write_bytes(data)
    out = folder / "out.jsonl"
    res = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out), "--no-progress"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output and res.exit_code in (0, 1, 2)
    lines = res.stderr.strip().splitlines()
    assert lines and all(line.startswith("kg: ") for line in lines)
    if res.exit_code == 2:  # nothing read: one line, no output
        assert len(lines) == 1 and not out.exists()
        return
    records = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    failed = [line for line in lines if line.startswith(f"kg: {folder}/")]
    assert len(records) + len(failed) == len(files)
    assert lines[-1] == f"kg: {len(records)} files extracted, {len(failed)} failed"
