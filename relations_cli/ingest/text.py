"""The bytes of a text source as text: UTF-8 (with or without a BOM) and UTF-16 with its BOM,
as Excel writes "Unicode text"; any other encoding is named with --encoding."""

from __future__ import annotations

import codecs
import io
from typing import IO, NoReturn

from relations_cli.core.errors import IngestError, Problem, TimelineError

__all__ = ["decoded", "document_text", "json_document", "refuse", "stream_error", "text_stream"]

_HINT = "; name its encoding with --encoding (such as --encoding cp1252)"


def _encoding(head: bytes, name: str, what: str, encoding: str | None) -> str:
    """The encoding to read a source in, from `--encoding` or its first four bytes: a BOM
    says UTF-8 or UTF-16 (as Excel writes them), else UTF-8; a zip or Office file is no
    text."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise IngestError(f"--encoding: no encoding '{encoding}'") from None
        return encoding
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        raise IngestError(f"{name}: is a zip or Office file, not {what} text (a spreadsheet? "
                          "use --from xlsx or --from ods)")
    return "utf-8"


def decoded(data: bytes, name: str, what: str, encoding: str | None = None) -> str:
    """The source's text; IngestError when it is empty, binary or not in its encoding."""
    if not data.strip():
        raise IngestError(f"{name}: is empty; there is nothing to import")
    chosen = _encoding(data[:4], name, what, encoding)
    try:
        text = data.decode(chosen)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise IngestError(f"{name}:{line}: not {chosen.upper().replace('-SIG', '')} text (byte "
                          f"0x{data[error.start]:02x}){'' if encoding else _HINT}") from None
    if "\x00" in text:
        raise IngestError(f"{name}: holds NUL characters: a binary file, not {what} text"
                          + ("" if encoding else _HINT))
    return text.removeprefix("\ufeff")


def text_stream(buffered: io.BufferedReader, name: str, what: str,
                encoding: str | None = None, newline: str = "") -> IO[str]:
    """The source's text read as it comes, for a source too large to hold: the encoding
    chosen from its first bytes as `decoded` chooses it. A byte that is not in it raises
    UnicodeDecodeError as it is read (`stream_error` says it in words)."""
    head = buffered.peek(4)[:4]
    if not head.strip() and not buffered.peek(1 << 16).strip():
        raise IngestError(f"{name}: is empty; there is nothing to import")
    chosen = _encoding(head, name, what, encoding)
    return io.TextIOWrapper(buffered, encoding=chosen, errors="strict", newline=newline)


def stream_error(name: str, error: UnicodeDecodeError, encoding: str | None) -> IngestError:
    """A byte of a streamed source that is not in its encoding, as `decoded` says it."""
    return IngestError(f"{name}: not {error.encoding.upper()} text (byte "
                       f"0x{error.object[error.start]:02x}){'' if encoding else _HINT}")


def refuse(name: str, line: int, message: str) -> NoReturn:
    """A source that is not what its format says, as one problem at its line."""
    raise TimelineError([Problem(name, line, 1, message)])


def document_text(data: bytes, name: str, what: str, utf8_note: str = "") -> str:
    """A calendar's or a Markwhen file's text (`what`: "an iCalendar file"): UTF-8, with or
    without a BOM, or UTF-16 after its BOM; anything else, or NUL bytes, is refused at its
    line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            refuse(name, 1, f"not {what}: not valid UTF-16 after its byte order mark")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        refuse(name, data[: error.start].count(b"\n") + 1,
               f"not {what}: not UTF-8 text{utf8_note}")
    if "\x00" in text:
        refuse(name, text[: text.index("\x00")].count("\n") + 1,
               f"not {what}: it holds NUL bytes (a binary file?)")
    return text


def json_document(data: bytes, name: str, encoding: str | None, holds: str) -> object:
    """A JSON source read whole; IngestError when it is not JSON or nests too deeply to be
    `holds` ("events", "a timeline")."""
    import json

    text = decoded(data, name, "JSON", encoding)
    try:
        return json.loads(text)
    except ValueError as error:
        raise IngestError(f"{name}: not JSON: {error}") from None
    except RecursionError:
        raise IngestError(f"{name}: nests too deeply to be {holds}") from None
