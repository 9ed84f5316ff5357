"""The bytes of a text source as text: UTF-8 (with or without a BOM) and UTF-16 with its BOM,
as Excel writes "Unicode text"; any other encoding is named with --encoding."""

from __future__ import annotations

import codecs
import io
from typing import IO

from relations_cli.core.errors import IngestError

__all__ = ["decoded", "stream_error", "text_stream"]

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
