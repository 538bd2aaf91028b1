"""Read input paths (files and folders of .txt and .md articles) into Document records."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.records import Document

ARTICLE_SUFFIXES = (".txt", ".md")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKUP = re.compile(r"^[ \t]{0,3}(#{1,6}|>|[-*+][ \t])[ \t]*|(\*\*|__|`)", re.MULTILINE)


def find_article_files(paths: Iterable[Path]) -> list[Path]:
    """Every article file under ``paths`` (files as given, folders searched recursively), sorted.

    Raises InputError if a path does not exist or no article is found at all.

    >>> find_article_files([Path("no/such/folder")])
    Traceback (most recent call last):
    ...
    kg.errors.InputError: Input path 'no/such/folder' does not exist; check the path and pass a file or folder of .txt or .md articles.
    """
    found: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise InputError(
                f"Input path '{path}' does not exist; check the path and pass a file or folder "
                "of .txt or .md articles."
            )
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file())
        else:
            found.add(path)
    if not found:
        shown = ", ".join(f"'{p}'" for p in paths)
        raise InputError(f"No .txt or .md articles found in {shown}; pass a folder that contains articles.")
    return sorted(found)


def read_document(path: Path) -> Document:
    """Read one article file.

    Raises InputError if the file cannot be read or is not text (binary content, or bytes
    that are neither UTF-8 nor Windows-1252), or holds no text at all.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(
            f"Cannot read '{path}' ({error.strerror}); check its permissions or remove it from the input."
        ) from error
    if b"\x00" in raw:
        raise InputError(f"'{path}' is not a text file; pass .txt or .md articles only.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as error:
            raise InputError(
                f"'{path}' is neither UTF-8 nor Windows-1252 text; re-save it as UTF-8."
            ) from error
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    title: str | None = None
    if path.suffix.lower() == ".md":
        title, text = _strip_markdown(text)
    else:
        title = _leading_title(text)
    if not text.strip():
        raise InputError(f"'{path}' is empty; remove it or add the article's text.")
    return Document(id=document_id(text), source=path.name, text=text, title=title)


def iter_documents(files: Iterable[Path], skipped: list[str]) -> Iterator[Document]:
    """Read ``files`` in order, skipping (and noting in ``skipped``) unreadable ones and repeats.

    An article whose text was already read under another name is read once.
    """
    seen: set[str] = set()
    for path in files:
        try:
            document = read_document(path)
        except InputError as error:
            skipped.append(str(error))
            continue
        if document.id in seen:
            skipped.append(f"'{path}' repeats an article already read; it is counted once.")
            continue
        seen.add(document.id)
        yield document


def document_id(text: str) -> str:
    """A stable identity for an article's text: the first 16 hex digits of its SHA-256.

    >>> document_id("Hello")
    '185f8db32271fe25'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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
