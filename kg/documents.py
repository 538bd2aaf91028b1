"""Read inputs into Document records: .txt, .md, .html and .jsonl files, folders of them, and
standard input.

Whatever a file holds, a reader either returns articles or raises InputError with one sentence
saying what was wrong with which file and how to fix it; the build skips that file and goes on.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

from kg.errors import InputError
from kg.records import Document

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
STDIN = Path("-")
STDIN_NAME = "<stdin>"
_HTML_SUFFIXES = (".html", ".htm")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKUP = re.compile(r"^[ \t]{0,3}(#{1,6}|>|[-*+][ \t])[ \t]*|(\*\*|__|`)", re.MULTILINE)
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WESTERN_ENCODINGS = {"cp1252", "latin_1", "iso8859_15", "iso8859_1"}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def find_article_files(paths: Iterable[Path], skipped: list[str] | None = None) -> list[Path]:
    """Every article file under ``paths`` (files as given, folders searched recursively), sorted.

    ``-`` stands for standard input. Links are followed; a link back to a folder already
    searched is searched once and noted in ``skipped``, as is a folder that cannot be listed.
    Raises InputError if a path does not exist or no article is found at all.

    >>> find_article_files([Path("no/such/folder")])
    Traceback (most recent call last):
    ...
    kg.errors.InputError: Input path 'no/such/folder' does not exist; check the path and pass a file or folder of articles (.txt, .md, .html, .jsonl).
    """
    notes = skipped if skipped is not None else []
    paths = list(paths)
    found: set[Path] = set()
    searched: set[tuple[int, int]] = set()
    for path in paths:
        if path == STDIN:
            found.add(path)
        elif path.is_dir():
            _search_folder(path, found, searched, notes)
        elif path.exists() or path.is_symlink():
            found.add(path)
        else:
            raise InputError(
                f"Input path '{path}' does not exist; check the path and pass a file or folder "
                "of articles (.txt, .md, .html, .jsonl)."
            )
    if not found:
        shown = ", ".join(f"'{p}'" for p in paths)
        raise InputError(
            f"No articles (.txt, .md, .html, .jsonl) found in {shown}; pass a folder that contains articles."
        )
    return sorted(found)


def _search_folder(
    folder: Path, found: set[Path], searched: set[tuple[int, int]], skipped: list[str]
) -> None:
    info = folder.stat()
    if (info.st_dev, info.st_ino) in searched:
        skipped.append(
            f"'{folder}' leads to a folder already searched (a loop of symbolic links); "
            "its articles are read once."
        )
        return
    searched.add((info.st_dev, info.st_ino))
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        skipped.append(
            f"Cannot search the folder '{folder}' ({error.strerror}); check its permissions or "
            "remove it from the input."
        )
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_folder = entry.is_dir()
        except OSError:  # a link that loops onto itself: reading it says so
            is_folder = False
        if is_folder:
            _search_folder(path, found, searched, skipped)
        elif path.suffix.lower() in ARTICLE_SUFFIXES:
            found.add(path)


def read_documents(path: Path, skipped: list[str]) -> Iterator[Document]:
    """The articles in one input: one for .txt, .md and .html files, one per line of a .jsonl file.

    ``-`` reads standard input, as JSON lines if it starts with ``{``, as HTML if it starts with
    ``<``, as plain text otherwise. A JSON line that cannot be read is noted in ``skipped`` and
    the other lines are read. Raises InputError if the input as a whole cannot be read.
    """
    raw = _read_bytes(path)
    if _kind(path, raw) != "jsonl":
        yield _article(path, raw)
        return
    text = _decode(raw, path)
    name = _source_name(path)
    lines = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        lines += 1
        try:
            document = _json_article(line, f"{name}#{number}")
        except InputError as error:
            skipped.append(f"{_shown(path)} line {number} {error}")
            continue
        yield document
    if not lines:
        raise InputError(f"{_shown(path)} is empty; remove it or add the article's text.")


def read_document(path: Path) -> Document:
    """Read one article from a .txt, .md or .html file (or ``-``, standard input).

    Text may be UTF-8 (with or without a byte order mark), UTF-16 or UTF-32 with a byte order
    mark, or a single-byte encoding such as Windows-1252 or Latin-1, which is detected; line
    endings become ``\\n``. Raises InputError if the file cannot be read or is not text (binary
    content, or bytes in no encoding kg can tell), or holds no text at all.
    """
    return _article(path, _read_bytes(path))


def _article(path: Path, raw: bytes) -> Document:
    kind = _kind(path, raw)
    text = _decode(raw, path, declared=_declared_charset(raw) if kind == "html" else None)
    source = _source_name(path)
    if kind == "html":
        return _html_article(text, path, source)
    title: str | None = None
    if kind == "markdown":
        title, text = _strip_markdown(text)
    else:
        title = _leading_title(text)
    if not text.strip():
        raise InputError(f"{_shown(path)} is empty; remove it or add the article's text.")
    return Document(id=document_id(text), source=source, text=text, title=title)


def iter_documents(files: Iterable[Path], skipped: list[str]) -> Iterator[Document]:
    """Read ``files`` in order, skipping (and noting in ``skipped``) unreadable ones and repeats.

    An article whose text was already read under another name is read once.
    """
    seen: set[str] = set()
    for path in files:
        try:
            for document in read_documents(path, skipped):
                if document.id in seen:
                    where = _shown(path)
                    if document.source != _source_name(path):  # a line of a .jsonl file
                        where += " line " + document.source.rpartition("#")[2]
                    skipped.append(f"{where} repeats an article already read; it is counted once.")
                    continue
                seen.add(document.id)
                yield document
        except InputError as error:
            skipped.append(str(error))


def split_text(text: str, max_chars: int) -> list[str]:
    """``text`` cut into parts of at most ``max_chars`` characters that join back into it.

    Parts end at a paragraph break where there is one, else at a line break, else after a full
    stop, else at a space, so a sentence is rarely cut; offsets into the joined parts are offsets
    into ``text``.

    >>> split_text("One.\\n\\nTwo.\\n\\nThree.", 12)
    ['One.\\n\\nTwo.\\n\\n', 'Three.']
    """
    parts: list[str] = []
    start = 0
    while len(text) - start > max_chars:
        end = start + max_chars
        for separator in ("\n\n", "\n", ". ", " "):
            cut = text.rfind(separator, start + 1, end)
            if cut > start:
                end = cut + len(separator)
                break
        parts.append(text[start:end])
        start = end
    parts.append(text[start:])
    return parts


def document_id(text: str) -> str:
    """A stable identity for an article's text: the first 16 hex digits of its SHA-256.

    >>> document_id("Hello")
    '185f8db32271fe25'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _kind(path: Path, raw: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return "jsonl"
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix == ".md":
        return "markdown"
    if path == STDIN:
        start = raw.lstrip(b" \t\r\n\xef\xbb\xbf")[:1]
        return {b"{": "jsonl", b"<": "html"}.get(start, "text")
    return "text"


def _source_name(path: Path) -> str:
    return STDIN_NAME if path == STDIN else path.name


def _shown(path: Path) -> str:
    """How a message names an input."""
    return "Standard input" if path == STDIN else f"'{path}'"


def _read_bytes(path: Path) -> bytes:
    if path == STDIN:
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError(
                "Standard input is a terminal, not an article; pipe the article in, e.g. "
                "`cat article.txt | kg build -`."
            )
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except OSError as error:
        if error.errno == errno.ELOOP:
            problem = ": it is a symbolic link that leads back to itself; fix or remove the link."
        elif error.errno == errno.ENOENT and path.is_symlink():
            problem = ": it is a symbolic link to a file that does not exist; fix or remove the link."
        else:
            problem = f" ({error.strerror}); check its permissions or remove it from the input."
        raise InputError(f"Cannot read '{path}'{problem}") from error


def _decode(raw: bytes, path: Path, declared: str | None = None) -> str:
    """Bytes to text with ``\\n`` line endings, whatever the encoding (see :func:`read_document`)."""
    text = _decode_bytes(raw, path, declared)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_bytes(raw: bytes, path: Path, declared: str | None) -> str:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as error:
                raise _not_decodable(path) from error
    if b"\x00" in raw:
        raise InputError(
            f"{_shown(path)} is not a text file; pass articles as .txt, .md, .html or .jsonl files."
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared is not None:
        try:
            return raw.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return _decode_detected(raw, path)


def _decode_detected(raw: bytes, path: Path) -> str:
    """Neither UTF-8 nor marked: Windows-1252 (a superset of Latin-1's text) unless
    charset-normalizer recognises another encoding with a language in it."""
    from charset_normalizer import from_bytes

    matches = from_bytes(raw)
    best = matches.best()
    try:
        western = raw.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if best is not None and best.coherence > 0:
        tied = {match.encoding for match in matches if match.chaos <= best.chaos}
        if western is None or not tied & _WESTERN_ENCODINGS:
            return str(best)
    if western is not None:
        return western
    raise _not_decodable(path)


def _not_decodable(path: Path) -> InputError:
    return InputError(
        f"{_shown(path)} is not text in an encoding kg can tell (UTF-8, UTF-16 or Windows-1252); "
        "re-save it as UTF-8."
    )


def _declared_charset(raw: bytes) -> str | None:
    match = _HTML_CHARSET.search(raw[:4096])
    return match[1].decode("ascii") if match else None


def _html_article(page: str, path: Path, source: str) -> Document:
    """The article text of a web page and what the page says about it, without menus,
    footers, scripts and styles."""
    import trafilatura
    from trafilatura.settings import Document as Page

    if not page.strip():
        raise InputError(f"{_shown(path)} is empty; remove it or add the article's text.")
    extracted = trafilatura.bare_extraction(
        page,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if not isinstance(extracted, Page) or not extracted.text or not extracted.text.strip():
        raise InputError(
            f"{_shown(path)} has no article text that kg could find; pass the page of an article, "
            "not an index or an empty page."
        )
    text = extracted.text.replace("\r\n", "\n").replace("\r", "\n")
    return Document(
        id=document_id(text),
        source=source,
        text=text,
        title=_clean(extracted.title),
        url=_clean(extracted.url),
        published=_date(extracted.date),
        authors=_authors(extracted.author and extracted.author.split("; ")),
        publisher=_clean(extracted.sitename),
    )


def _json_article(line: str, source: str) -> Document:
    """One line of a .jsonl file; raises InputError with the rest of a sentence that
    begins "'FILE' line N"."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(
            f"is not valid JSON ({error.msg.removesuffix(' at')} at column {error.colno}); fix or remove that line."
        ) from error
    if not isinstance(record, dict):
        raise InputError('is not a JSON object; write one article per line as {"text": "…"}.')
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError('has no "text"; give each article its text as a string in a "text" field.')
    text = _LONE_SURROGATE.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")
    return Document(
        id=document_id(text),
        source=source,
        text=text,
        title=_clean(record.get("title")),
        url=_clean(record.get("url")),
        published=_date(record.get("published")),
        authors=_authors(record.get("author")),
        publisher=_clean(record.get("source")),
        identifier=_clean(record.get("id")),
    )


def _clean(value: object) -> str | None:
    """A metadata value as one line of text, or None when there is none."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = " ".join(_LONE_SURROGATE.sub("\ufffd", str(value)).split())
    return text or None


def _authors(value: object) -> tuple[str, ...]:
    names = value if isinstance(value, list) else [value]
    return tuple(name for name in (_clean(item) for item in names) if name)


def _date(value: object) -> date | datetime | str | None:
    """A publication date as a date or datetime when it is ISO 8601, else as written."""
    text = _clean(value)
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", text):
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    return text


def _leading_title(text: str) -> str | None:
    """A first short line standing alone above a blank line is the headline."""
    head, separator, _ = text.partition("\n\n")
    if separator and "\n" not in head.strip() and 0 < len(head.strip()) <= 200:
        line = head.strip()
        if not line.endswith((".", "?", "!", ":", '"', "”")):
            return line
    return None


def _strip_markdown(text: str) -> tuple[str | None, str]:
    """Markdown to plain text: headings, quotes, bullets, emphasis and links lose their markup."""
    title = None
    for line in text.splitlines():
        if line.startswith("# "):
            title = _plain_markdown(line[2:]).strip()
            break
    return title, _plain_markdown(text)


def _plain_markdown(text: str) -> str:
    return _MARKDOWN_MARKUP.sub("", _MARKDOWN_LINK.sub(r"\1", text))
