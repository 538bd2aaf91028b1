"""Reading input paths into articles: which files, which text, which title, what is skipped."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from kg.build import MAX_PART_CHARS
from kg.documents import (
    STDIN,
    document_id,
    find_article_files,
    iter_documents,
    read_document,
    read_documents,
    split_text,
)
from kg.errors import InputError

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# --- find_article_files --------------------------------------------------------------------


def test_finds_articles_recursively_sorted(tmp_path: Path) -> None:
    names = ["b.txt", "a.md", "sub/c.txt", "sub/deeper/d.TXT", "notes.csv", "image.png", "sub/e"]
    names += ["page.html", "old.HTM", "lines.jsonl", "data.json"]
    for name in names:
        write(tmp_path / name, "Some text.")
    (tmp_path / "folder.txt").mkdir()  # a folder is not an article, whatever its name
    assert find_article_files([tmp_path]) == [
        tmp_path / "a.md",
        tmp_path / "b.txt",
        tmp_path / "lines.jsonl",
        tmp_path / "old.HTM",
        tmp_path / "page.html",
        tmp_path / "sub" / "c.txt",
        tmp_path / "sub" / "deeper" / "d.TXT",
    ]


def test_a_link_back_to_a_searched_folder_is_searched_once(tmp_path: Path) -> None:
    article = write(tmp_path / "in" / "a.txt", "A.")
    (tmp_path / "in" / "sub").mkdir()
    (tmp_path / "in" / "sub" / "up").symlink_to("..")
    (tmp_path / "in" / "again").symlink_to(tmp_path / "in")
    skipped: list[str] = []
    assert find_article_files([tmp_path / "in"], skipped) == [article]
    assert skipped == [
        f"'{tmp_path / 'in' / 'again'}' leads to a folder already searched (a loop of symbolic "
        "links); its articles are read once.",
        f"'{tmp_path / 'in' / 'sub' / 'up'}' leads to a folder already searched (a loop of "
        "symbolic links); its articles are read once.",
    ]


def test_a_linked_folder_elsewhere_is_searched(tmp_path: Path) -> None:
    elsewhere = write(tmp_path / "elsewhere" / "b.txt", "B.")
    write(tmp_path / "in" / "a.txt", "A.")
    (tmp_path / "in" / "more").symlink_to(elsewhere.parent)
    skipped: list[str] = []
    assert find_article_files([tmp_path / "in"], skipped) == [
        tmp_path / "in" / "a.txt",
        tmp_path / "in" / "more" / "b.txt",
    ]
    assert skipped == []


def test_links_that_loop_or_dangle_are_found_and_then_skipped_when_read(tmp_path: Path) -> None:
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    (tmp_path / "dangling.txt").symlink_to("no-such-file.txt")
    good = write(tmp_path / "good.txt", "An article.\n")
    files = find_article_files([tmp_path])
    assert files == [tmp_path / "dangling.txt", good, tmp_path / "loop.txt"]
    skipped: list[str] = []
    assert [document.source for document in iter_documents(files, skipped)] == ["good.txt"]
    assert skipped == [
        f"Cannot read '{tmp_path / 'dangling.txt'}': it is a symbolic link to a file that does not "
        "exist; fix or remove the link.",
        f"Cannot read '{tmp_path / 'loop.txt'}': it is a symbolic link that leads back to itself; "
        "fix or remove the link.",
    ]


def test_files_and_folders_together_are_sorted_and_counted_once(tmp_path: Path) -> None:
    a = write(tmp_path / "in" / "a.txt", "A.")
    b = write(tmp_path / "in" / "b.txt", "B.")
    single = write(tmp_path / "0-single.txt", "C.")
    assert find_article_files([tmp_path / "in", b, single]) == [single, a, b]


def test_a_file_given_by_name_is_taken_whatever_its_suffix(tmp_path: Path) -> None:
    article = write(tmp_path / "article.text", "Some text.")
    assert find_article_files([article]) == [article]


def test_finds_the_seeds() -> None:
    assert [path.name for path in find_article_files([SEEDS_DIR])] == sorted(
        path.name for path in SEEDS_DIR.glob("*.txt")
    )


def test_missing_path(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "A.")
    missing = tmp_path / "no-such-folder"
    with pytest.raises(InputError) as caught:
        find_article_files([tmp_path, missing])
    assert str(caught.value) == (
        f"Input path '{missing}' does not exist; check the path and pass a file or folder "
        "of articles (.txt, .md, .html, .jsonl)."
    )


@pytest.mark.parametrize("files", [[], ["notes.csv", "sub/image.png"]], ids=["empty", "other-files"])
def test_folder_without_articles(tmp_path: Path, files: list[str]) -> None:
    for name in files:
        write(tmp_path / name, "x")
    with pytest.raises(InputError) as caught:
        find_article_files([tmp_path])
    assert str(caught.value) == (
        f"No articles (.txt, .md, .html, .jsonl) found in '{tmp_path}'; pass a folder that contains articles."
    )


def test_dash_is_standard_input_even_beside_folders(tmp_path: Path) -> None:
    article = write(tmp_path / "a.txt", "A.")
    assert find_article_files([tmp_path, STDIN]) == [STDIN, article]


# --- read_document -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, text",
    [
        ("plain.txt", b"Trump spoke.\nChina replied.\n", "Trump spoke.\nChina replied.\n"),
        ("bom.txt", b"\xef\xbb\xbfTrump spoke.\n", "Trump spoke.\n"),
        ("windows.txt", b"Trump spoke.\r\nChina replied.\r\n", "Trump spoke.\nChina replied.\n"),
        ("old-mac.txt", b"Trump spoke.\rChina replied.\r", "Trump spoke.\nChina replied.\n"),
        (
            "cp1252.txt",
            b"The caf\xe9 said \x93no\x94 \x96 it costs \x8020.\r\n",
            "The café said “no” – it costs €20.\n",
        ),
        ("utf8.txt", "Wang Xiaohong, China’s minister — said “no”.".encode(), None),
        ("utf-16-le.txt", "Trump spoke.\r\nCafé “no”.\r\n".encode("utf-16"), "Trump spoke.\nCafé “no”.\n"),
        ("utf-16-be.txt", b"\xfe\xff" + "Trump spoke.\n".encode("utf-16-be"), "Trump spoke.\n"),
        ("utf-32.txt", "Trump spoke.\n".encode("utf-32"), "Trump spoke.\n"),
        (
            "latin-1.txt",
            "Der Bürgermeister von München sagte, dass die Straße gesperrt wird.\n".encode("latin-1"),
            "Der Bürgermeister von München sagte, dass die Straße gesperrt wird.\n",
        ),
        (
            "polish-cp1250.txt",
            "Prezydent Polski powiedział, że żółć i źdźbło są ważne dla gospodarki kraju.".encode("cp1250"),
            "Prezydent Polski powiedział, że żółć i źdźbło są ważne dla gospodarki kraju.",
        ),
        (
            "russian-koi8.txt",
            "Президент России заявил, что переговоры с Китаем продолжаются.".encode("koi8_r"),
            "Президент России заявил, что переговоры с Китаем продолжаются.",
        ),
    ],
)
def test_read_document_text(tmp_path: Path, name: str, data: bytes, text: str | None) -> None:
    document = read_document(write(tmp_path / name, data))
    assert document.text == (text if text is not None else data.decode("utf-8"))
    assert document.source == name
    assert document.id == document_id(document.text)


NOT_TEXT = "is not a text file; pass articles as .txt, .md, .html or .jsonl files."
NOT_DECODABLE = "is not text in an encoding kg can tell (UTF-8, UTF-16 or Windows-1252); re-save it as UTF-8."
EMPTY = "is empty; remove it or add the article's text."
ZIP = (
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00!\x00\xb7\xac\xce4\x05\x00\x00\x00\x03\x00"
    b"\x00\x00\x05\x00\x00\x00a.txtK\xcb\xcf\x07\x00PK\x01\x02"
)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", NOT_TEXT),
        (ZIP, NOT_TEXT),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", NOT_TEXT),
        (b"Bytes \x81\x8d that no encoding kg knows", NOT_DECODABLE),
        (bytes(range(1, 256)), NOT_DECODABLE),
        (b"\xff\xfe\x00\xd8", NOT_DECODABLE),  # UTF-16 marked, but half a character
        (b"", EMPTY),
        (b" \r\n\t\n  \n", EMPTY),
        (b"\xef\xbb\xbf\n", EMPTY),
        ("\n \n".encode("utf-16"), EMPTY),
    ],
    ids=[
        "png",
        "zip",
        "jpeg",
        "undecodable",
        "every-byte",
        "broken-utf-16",
        "empty",
        "whitespace",
        "only-bom",
        "utf-16-whitespace",
    ],
)
def test_read_document_rejects(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path / "article.txt", data)
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert str(caught.value) == f"'{path}' {reason}"


@pytest.mark.parametrize(
    "text, title",
    [
        ("Trump slaps tariffs on China\n\nThe body.\n", "Trump slaps tariffs on China"),
        ("Trump slaps tariffs on China\r\n\r\nThe body.\r\n", "Trump slaps tariffs on China"),
        ("\n  Trump slaps tariffs on China  \n\nThe body.\n", "Trump slaps tariffs on China"),
        ("Trump slaps tariffs on China.\n\nThe body.\n", None),
        ("Will China answer?\n\nThe body.\n", None),
        ("Trump slaps tariffs on China\nThe body follows without a blank line.\n", None),
        ("First line\nsecond line\n\nThe body.\n", None),
        ("A single paragraph without a headline", None),
        ("x" * 201 + "\n\nThe body.\n", None),
    ],
)
def test_txt_title_is_a_leading_headline(tmp_path: Path, text: str, title: str | None) -> None:
    document = read_document(write(tmp_path / "article.txt", text))
    assert document.title == title
    assert document.text == text.replace("\r\n", "\n")


@pytest.mark.parametrize(
    "markdown, title, text",
    [
        (
            "# Trump slaps tariffs on China\n\nThe **new** tariff hits `steel`.\n",
            "Trump slaps tariffs on China",
            "Trump slaps tariffs on China\n\nThe new tariff hits steel.\n",
        ),
        (
            "# Tariffs\r\n\r\nSee [the report](https://example.org/r) and ![a chart](c.png).\r\n",
            "Tariffs",
            "Tariffs\n\nSee the report and a chart.\n",
        ),
        ("## Analysis\n\n> China replied.\n", None, "Analysis\n\nChina replied.\n"),
        (
            "Intro.\n\n# Later heading\n\nBody.\n",
            "Later heading",
            "Intro.\n\nLater heading\n\nBody.\n",
        ),
        ("No heading, just __text__.\n", None, "No heading, just text.\n"),
        (
            "Officials said:\n\n- China will talk\n- The US will listen\n",
            None,
            "Officials said:\n\nChina will talk\nThe US will listen\n",
        ),
        (
            "# Trump's **new** tariffs on [China](https://example.org/china)\n\nBody.\n",
            "Trump's new tariffs on China",
            "Trump's new tariffs on China\n\nBody.\n",
        ),
    ],
    ids=["heading", "links", "quote", "later-heading", "emphasis", "list", "markup-in-heading"],
)
def test_markdown_title_and_markup(tmp_path: Path, markdown: str, title: str | None, text: str) -> None:
    document = read_document(write(tmp_path / "article.md", markdown))
    assert document.title == title
    assert document.text == text


def test_markdown_markup_in_a_txt_file_is_kept(tmp_path: Path) -> None:
    text = "# Not a heading in a .txt file\n\n**Bold** stays.\n"
    document = read_document(write(tmp_path / "article.txt", text))
    assert document.text == text


# --- iter_documents ------------------------------------------------------------------------


def test_iter_documents_counts_a_repeated_article_once(tmp_path: Path) -> None:
    first = write(tmp_path / "a.txt", "Trump spoke.\nChina replied.\n")
    # The same article saved again on Windows with a BOM: the same text once read.
    again = write(tmp_path / "b.txt", b"\xef\xbb\xbfTrump spoke.\r\nChina replied.\r\n")
    other = write(tmp_path / "c.txt", "Another article.\n")
    skipped: list[str] = []
    documents = list(iter_documents([first, again, other], skipped))
    assert [document.source for document in documents] == ["a.txt", "c.txt"]
    assert skipped == [f"'{again}' repeats an article already read; it is counted once."]


def test_iter_documents_skips_unreadable_files_and_goes_on(tmp_path: Path) -> None:
    binary = write(tmp_path / "a.txt", b"\x00\x01\x02")
    empty = write(tmp_path / "b.txt", b"")
    good = write(tmp_path / "c.txt", "An article.\n")
    skipped: list[str] = []
    documents = list(iter_documents([binary, empty, good], skipped))
    assert [document.source for document in documents] == ["c.txt"]
    assert skipped == [
        f"'{binary}' is not a text file; pass articles as .txt, .md, .html or .jsonl files.",
        f"'{empty}' is empty; remove it or add the article's text.",
    ]


# --- document_id ---------------------------------------------------------------------------


def test_document_id_is_stable() -> None:
    # Article IRIs are built from this id, so it must never change between runs or versions.
    assert document_id("Hello") == "185f8db32271fe25"
    assert document_id("Hello") != document_id("Hello ")
    assert re.fullmatch(r"[0-9a-f]{16}", document_id("Ünïcödé text"))


def test_document_id_ignores_the_file_name_and_encoding(tmp_path: Path) -> None:
    utf8 = read_document(write(tmp_path / "one.txt", "Café “no”.\n"))
    cp1252 = read_document(write(tmp_path / "two.txt", b"Caf\xe9 \x93no\x94.\r\n"))
    assert utf8.id == cp1252.id == document_id("Café “no”.\n")


# --- unreadable files ----------------------------------------------------------------------


def test_unreadable_file_is_skipped_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, who may read any file: the refusal a user would get is simulated.
    locked = write(tmp_path / "locked.txt", "A secret article.\n")
    good = write(tmp_path / "good.txt", "An article.\n")
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    skipped: list[str] = []
    assert [document.source for document in iter_documents([locked, good], skipped)] == ["good.txt"]
    assert skipped == [
        f"Cannot read '{locked}' (Permission denied); check its permissions or remove it from the input."
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_by_its_permissions(tmp_path: Path) -> None:
    locked = write(tmp_path / "locked.txt", "A secret article.\n")
    locked.chmod(0)
    with pytest.raises(InputError) as caught:
        read_document(locked)
    assert str(caught.value) == (
        f"Cannot read '{locked}' (Permission denied); check its permissions or remove it from the input."
    )


def test_unlistable_folder_is_skipped_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = write(tmp_path / "in" / "good.txt", "An article.\n")
    write(tmp_path / "in" / "private" / "secret.txt", "A secret article.\n")
    scandir = os.scandir

    def refuse(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "private":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    skipped: list[str] = []
    assert find_article_files([tmp_path / "in"], skipped) == [good]
    assert skipped == [
        f"Cannot search the folder '{tmp_path / 'in' / 'private'}' (Permission denied); check its "
        "permissions or remove it from the input."
    ]


# --- web pages -----------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Trump slaps tariffs on China | Example News</title>
<meta charset="utf-8">
<meta property="og:title" content="Trump slaps tariffs on China">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-04-09T10:30:00Z">
<meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://news.example.org/2025/04/09/tariffs">
<script>var tracking = "Donald Duck works for Acme";</script>
<style>p { color: red }</style></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a> | Subscribe now</nav>
<article><h1>Trump slaps tariffs on China</h1>
<p>President Donald Trump imposed a 145% tariff on Chinese goods on Wednesday, the White House said.</p>
<p>Yun Sun, director of the China program at the Stimson Center, a Washington think tank, told the
Journal that talks could resume.</p>
<p>Markets fell after the announcement, with the S&amp;P 500 losing 3% in early trading.</p>
</article>
<footer>Copyright 2025 Example News. All rights reserved. Cookie policy.</footer>
<script>console.log("Elon Musk met with aliens")</script></body></html>
"""


def test_html_article_text_and_metadata(tmp_path: Path) -> None:
    document = read_document(write(tmp_path / "tariffs.html", PAGE))
    assert document.text.splitlines() == [
        "Trump slaps tariffs on China",
        "President Donald Trump imposed a 145% tariff on Chinese goods on Wednesday, the White House said.",
        "Yun Sun, director of the China program at the Stimson Center, a Washington think tank, told the "
        "Journal that talks could resume.",
        "Markets fell after the announcement, with the S&P 500 losing 3% in early trading.",
    ]
    for boilerplate in ("Donald Duck", "Elon Musk", "color", "Subscribe", "Copyright", "<"):
        assert boilerplate not in document.text
    assert document.source == "tariffs.html"
    assert document.title == "Trump slaps tariffs on China"
    assert document.url == "https://news.example.org/2025/04/09/tariffs"
    assert document.published == date(2025, 4, 9)
    assert document.authors == ("Jane Doe",)
    assert document.publisher == "Example News"
    assert document.id == document_id(document.text)


def test_html_in_windows_1252_as_its_meta_tag_says(tmp_path: Path) -> None:
    page = PAGE.replace('charset="utf-8"', 'charset="windows-1252"').replace("Wednesday", "Wednesday’s")
    document = read_document(write(tmp_path / "tariffs.htm", page.encode("cp1252")))
    assert "on Wednesday’s, the White House" in document.text


NO_ARTICLE = (
    "has no article text that kg could find; pass the page of an article, not an index or an empty page."
)


@pytest.mark.parametrize(
    "page, reason",
    [
        ("", EMPTY),
        ("   \n", EMPTY),
        (
            "<html><head><title>Empty</title><script>var x = 1;</script></head><body></body></html>",
            NO_ARTICLE,
        ),
    ],
    ids=["empty", "whitespace", "no-article"],
)
def test_html_without_an_article(tmp_path: Path, page: str, reason: str) -> None:
    path = write(tmp_path / "page.html", page)
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert str(caught.value) == f"'{path}' {reason}"


# --- JSON lines ----------------------------------------------------------------------------


def jsonl(*lines: object) -> str:
    return "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)


def test_jsonl_one_article_per_line_with_metadata(tmp_path: Path) -> None:
    path = write(
        tmp_path / "dump.jsonl",
        jsonl(
            {
                "id": "a-1",
                "title": "Tariffs",
                "url": "https://news.example.org/a-1",
                "published": "2025-04-09",
                "author": ["Jane Doe", "John Roe"],
                "source": "Example News",
                "text": "Trump spoke.\r\nChina replied.",
            },
            {"text": "Second article.", "published": "2025-04-09T10:30:00Z", "author": "Jane Doe", "id": 7},
            {"text": "Third article.", "published": "April 9, 2025", "title": None, "url": 5},
        ),
    )
    skipped: list[str] = []
    first, second, third = read_documents(path, skipped)
    assert skipped == []
    assert first.text == "Trump spoke.\nChina replied."
    assert first.id == document_id(first.text)
    assert (first.source, first.identifier, first.title, first.url) == (
        "dump.jsonl#1",
        "a-1",
        "Tariffs",
        "https://news.example.org/a-1",
    )
    assert (first.published, first.authors, first.publisher) == (
        date(2025, 4, 9),
        ("Jane Doe", "John Roe"),
        "Example News",
    )
    assert (second.source, second.identifier, second.authors) == ("dump.jsonl#2", "7", ("Jane Doe",))
    assert second.published == datetime(2025, 4, 9, 10, 30, tzinfo=timezone.utc)
    assert (third.published, third.title, third.url) == ("April 9, 2025", None, "5")


def test_jsonl_bad_lines_are_reported_by_number_and_the_others_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path / "dump.jsonl",
        jsonl(
            {"text": "First article."},
            "",
            '{"text": "unterminated',
            {"title": "No text here"},
            {"text": "   "},
            {"text": 42},
            '["a", "list"]',
            {"text": "First article."},
            {"text": "Last article."},
        ),
    )
    skipped: list[str] = []
    documents = list(iter_documents([path], skipped))
    assert [(document.source, document.text) for document in documents] == [
        ("dump.jsonl#1", "First article."),
        ("dump.jsonl#9", "Last article."),
    ]
    no_text = 'has no "text"; give each article its text as a string in a "text" field.'
    assert skipped == [
        f"'{path}' line 3 is not valid JSON (Unterminated string starting at column 10); fix or "
        "remove that line.",
        f"'{path}' line 4 {no_text}",
        f"'{path}' line 5 {no_text}",
        f"'{path}' line 6 {no_text}",
        f'\'{path}\' line 7 is not a JSON object; write one article per line as {{"text": "…"}}.',
        f"'{path}' line 8 repeats an article already read; it is counted once.",
    ]


def test_jsonl_line_numbers_count_every_line(tmp_path: Path) -> None:
    # A line separator inside a JSON string is not a line break of the file.
    path = write(tmp_path / "dump.jsonl", '{"text": "One\\u2028two\u2028three\x85four"}\n\n{"text": ')
    skipped: list[str] = []
    [document] = read_documents(path, skipped)
    assert document.text == "One\u2028two\u2028three\x85four"
    assert skipped == [
        f"'{path}' line 3 is not valid JSON (Expecting value at column 10); fix or remove that line."
    ]


def test_jsonl_lone_surrogates_become_replacement_characters(tmp_path: Path) -> None:
    path = write(
        tmp_path / "dump.jsonl", '{"text": "Broken \\ud800 emoji \\ud83d\\ude00", "title": "\\udfff"}\n'
    )
    [document] = read_documents(path, [])
    assert document.text == "Broken \ufffd emoji 😀"
    assert document.title == "\ufffd"
    document.text.encode("utf-8")


@pytest.mark.parametrize("data", [b"", b"\n\n  \n"], ids=["empty", "blank-lines"])
def test_jsonl_without_articles_is_empty(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path / "dump.jsonl", data)
    with pytest.raises(InputError) as caught:
        list(read_documents(path, []))
    assert str(caught.value) == f"'{path}' {EMPTY}"


# --- standard input ------------------------------------------------------------------------


def stdin_of(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


@pytest.mark.parametrize(
    "data, sources, text",
    [
        (b"Trump spoke.\r\n", ["<stdin>"], "Trump spoke.\n"),
        (b'{"text": "One."}\n{"text": "Two."}\n', ["<stdin>#1", "<stdin>#2"], "One."),
        (PAGE.encode(), ["<stdin>"], "Trump slaps tariffs on China\nPresident Donald Trump"),
    ],
    ids=["text", "jsonl", "html"],
)
def test_standard_input(monkeypatch: pytest.MonkeyPatch, data: bytes, sources: list[str], text: str) -> None:
    stdin_of(monkeypatch, data)
    documents = list(iter_documents([STDIN], []))
    assert [document.source for document in documents] == sources
    assert documents[0].text.startswith(text)


def test_standard_input_that_is_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(io.BytesIO(b"")))
    with pytest.raises(InputError) as caught:
        read_document(STDIN)
    assert str(caught.value) == (
        "Standard input is a terminal, not an article; pipe the article in, e.g. "
        "`cat article.txt | kg build -`."
    )


# --- long articles -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, limit, parts",
    [
        ("Short.", 100, ["Short."]),
        ("", 100, [""]),
        ("One.\n\nTwo.\n\nThree.", 12, ["One.\n\nTwo.\n\n", "Three."]),
        ("One.\nTwo.\nThree.", 11, ["One.\nTwo.\n", "Three."]),
        ("One two three four", 9, ["One two ", "three ", "four"]),
        ("One. Two three. Four", 17, ["One. Two three. ", "Four"]),
        ("One. Two three four", 17, ["One. ", "Two three four"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        ("Para one.\n\nLine a.\nLine b.", 20, ["Para one.\n\n", "Line a.\nLine b."]),
    ],
)
def test_split_text(text: str, limit: int, parts: list[str]) -> None:
    assert split_text(text, limit) == parts


def test_a_20_mb_article_is_read_whole_and_split_at_paragraphs(tmp_path: Path) -> None:
    paragraph = "Donald Trump imposed a tariff on China, the Journal reported on Tuesday.\n"
    text = "".join(f"{number}. {paragraph}\n" for number in range(260_000))
    assert len(text.encode()) > 20_000_000
    document = read_document(write(tmp_path / "huge.txt", text))
    assert document.text == text
    parts = split_text(document.text, MAX_PART_CHARS)
    assert "".join(parts) == text
    assert len(parts) > len(text) // MAX_PART_CHARS
    assert all(len(part) <= MAX_PART_CHARS and part.endswith("\n\n") for part in parts[:-1])
