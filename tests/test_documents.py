"""Reading input paths into articles: which files, which text, which title, what is skipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.documents import document_id, find_article_files, iter_documents, read_document
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
    for name in names:
        write(tmp_path / name, "Some text.")
    (tmp_path / "folder.txt").mkdir()  # a folder is not an article, whatever its name
    assert find_article_files([tmp_path]) == [
        tmp_path / "a.md",
        tmp_path / "b.txt",
        tmp_path / "sub" / "c.txt",
        tmp_path / "sub" / "deeper" / "d.TXT",
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
        "of .txt or .md articles."
    )


@pytest.mark.parametrize("files", [[], ["notes.csv", "sub/image.png"]], ids=["empty", "other-files"])
def test_folder_without_articles(tmp_path: Path, files: list[str]) -> None:
    for name in files:
        write(tmp_path / name, "x")
    with pytest.raises(InputError) as caught:
        find_article_files([tmp_path])
    assert str(caught.value) == (
        f"No .txt or .md articles found in '{tmp_path}'; pass a folder that contains articles."
    )


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
    ],
)
def test_read_document_text(tmp_path: Path, name: str, data: bytes, text: str | None) -> None:
    document = read_document(write(tmp_path / name, data))
    assert document.text == (text if text is not None else data.decode("utf-8"))
    assert document.source == name
    assert document.id == document_id(document.text)


NOT_TEXT = "is not a text file; pass .txt or .md articles only."
NOT_DECODABLE = "is neither UTF-8 nor Windows-1252 text; re-save it as UTF-8."
EMPTY = "is empty; remove it or add the article's text."


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", NOT_TEXT),
        ("Trump spoke.".encode("utf-16"), NOT_TEXT),
        (b"Bytes \x81\x8d that no encoding kg knows", NOT_DECODABLE),
        (b"", EMPTY),
        (b" \r\n\t\n  \n", EMPTY),
        (b"\xef\xbb\xbf\n", EMPTY),
    ],
    ids=["binary", "utf-16", "undecodable", "empty", "whitespace", "only-bom"],
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
        f"'{binary}' is not a text file; pass .txt or .md articles only.",
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
