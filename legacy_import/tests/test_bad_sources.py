# Over 400 lines: one subject, each way a source file can be damaged, one test each.
"""import_legacy and reconcile_legacy on bad files and bad options: a CommandError that
names the file and the byte offset (BSON) or line (JSON), and nothing written. The bad
files are made in tmp_path from copies of the sample."""

import gzip
import io
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

import legacy_import.sources.json_files as json_files
from customers.models import Customer
from legacy_import.models import ArchivedDocument, ImportRun, LegacyRecord
from legacy_import.sources import (
    DumpSource,
    ExportSource,
    SourceError,
    _json_documents,
    check_source,
)
from orders.models import Order, Product

User = get_user_model()
SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "legacy-sample"
DB = "earlybird_delivery"
pytestmark = [
    pytest.mark.skipif(not SAMPLE.is_dir(), reason=f"no legacy sample at {SAMPLE}"),
    pytest.mark.django_db,
]


def counts() -> dict[str, int]:
    models = (User, Customer, Product, Order, LegacyRecord, ArchivedDocument, ImportRun)
    return {model.__name__: model.objects.count() for model in models}


def copy_folder(source: Path, target: Path) -> Path:
    """A writable copy (the sample's files and folders are read-only)."""
    target.mkdir(parents=True)
    for path in source.iterdir():
        (target / path.name).write_bytes(path.read_bytes())
    return target


@pytest.fixture
def dump(tmp_path) -> Path:
    """A copy of the sample dump: returns its database folder, `<tmp>/dump/<db>`."""
    return copy_folder(SAMPLE / "dump" / DB, tmp_path / "dump" / DB)


@pytest.fixture
def export(tmp_path) -> Path:
    return copy_folder(SAMPLE / "json", tmp_path / "json")


def offsets(data: bytes) -> list[int]:
    """Where each document of a BSON file starts."""
    found, at = [], 0
    while at < len(data):
        found.append(at)
        at += int.from_bytes(data[at : at + 4], "little")
    return found


def refused(command: str, *args: str, mentions: tuple[str, ...] = ()) -> str:
    """Run the command, expect a CommandError mentioning each of `mentions`, and check
    that nothing was written; returns the message."""
    before = counts()
    with pytest.raises(CommandError) as info:
        call_command(command, *args)
    message = str(info.value)
    for text in mentions:
        assert text in message, f"{text!r} not in {message!r}"
    assert counts() == before
    return message


def refuse_import(*args: str, mentions: tuple[str, ...] = ()) -> str:
    return refused("import_legacy", *args, mentions=mentions)


# --- BSON ---------------------------------------------------------------------------------------


def test_a_truncated_bson_file_is_refused_naming_the_file_and_offset_and_writes_nothing(dump):
    users = dump / "users.bson"
    data = users.read_bytes()
    cut = offsets(data)[8]  # staff logins come first: the old command saved 7 of them
    users.write_bytes(data[: cut + 40])

    message = refuse_import(str(dump.parent), mentions=(str(users), f"byte offset {cut}"))

    assert "truncated" in message
    assert "Nothing was imported" in message


def test_a_dry_run_on_a_truncated_bson_file_is_refused_the_same_way(dump):
    users = dump / "users.bson"
    data = users.read_bytes()
    users.write_bytes(data[:-3])

    refuse_import(
        str(dump.parent),
        "--dry-run",
        mentions=("users.bson", f"byte offset {offsets(data)[-1]}"),
    )


def test_a_bson_document_declaring_more_bytes_than_the_file_holds_is_refused(dump):
    customers = dump / "customers_v2.bson"
    data = bytearray(customers.read_bytes())
    at = offsets(bytes(data))[3]
    length = int.from_bytes(data[at : at + 4], "little")
    data[at : at + 4] = (length + 1_000_000).to_bytes(4, "little")
    customers.write_bytes(bytes(data))

    message = refuse_import(
        str(dump.parent), "--db", DB, mentions=("customers_v2.bson", f"byte offset {at}")
    )

    assert f"declares {length + 1_000_000} bytes" in message


def test_a_bson_document_with_a_flipped_byte_is_refused_naming_its_offset(dump):
    orders = dump / "orders.bson"
    data = bytearray(orders.read_bytes())
    starts = offsets(bytes(data))
    data[starts[6] - 1] ^= 0xFF  # the last byte of document 5: its terminating NUL
    orders.write_bytes(bytes(data))

    message = refuse_import(str(dump), mentions=("orders.bson", f"byte offset {starts[5]}"))

    assert "not a valid BSON document" in message


def test_an_impossible_bson_document_length_is_refused(dump):
    products = dump / "products.bson"
    data = bytearray(products.read_bytes())
    at = offsets(bytes(data))[2]
    data[at : at + 4] = (2).to_bytes(4, "little")
    products.write_bytes(bytes(data))

    refuse_import(str(dump), mentions=("products.bson", f"byte offset {at}", "length 2"))


@pytest.mark.parametrize("garbage", [b"garbage appended", b"\x00\x01"], ids=["long", "short"])
def test_garbage_appended_to_a_bson_file_is_refused_at_its_offset(dump, garbage):
    areas = dump / "areas_v2.bson"
    size = areas.stat().st_size
    areas.write_bytes(areas.read_bytes() + garbage)

    refuse_import(str(dump), mentions=("areas_v2.bson", f"byte offset {size}"))


def test_a_truncated_gzipped_bson_file_is_refused(dump):
    users = dump / "users.bson"
    packed = gzip.compress(users.read_bytes())
    users.unlink()
    (dump / "users.bson.gz").write_bytes(packed[: len(packed) // 2])

    message = refuse_import(str(dump), mentions=("users.bson.gz", "cut off or corrupt"))

    assert re.search(r"byte offset \d+ of the uncompressed data", message)


def test_a_corrupt_gzipped_bson_file_is_refused(dump):
    users = dump / "users.bson"
    packed = bytearray(gzip.compress(users.read_bytes()))
    users.unlink()
    for at in range(len(packed) // 3, len(packed) // 3 + 40):
        packed[at] ^= 0x5A
    (dump / "users.bson.gz").write_bytes(bytes(packed))

    message = refuse_import(str(dump), mentions=("users.bson.gz",))

    assert re.search(r"byte offset \d+ of the uncompressed data", message)


def test_a_bson_gz_file_that_is_not_gzip_is_refused(dump):
    users = dump / "users.bson"
    users.rename(dump / "users.bson.gz")  # plain BSON under a .gz name

    refuse_import(
        str(dump), mentions=("users.bson.gz", "byte offset 0 of the uncompressed data", "gzip")
    )


def test_an_empty_gzipped_file_is_refused(dump):
    (dump / "users.bson").unlink()
    (dump / "users.bson.gz").write_bytes(b"")

    refuse_import(str(dump), mentions=("users.bson.gz", "byte offset 0", "empty file"))


def test_an_empty_bson_file_is_an_empty_collection_as_mongodump_writes_one(dump):
    (dump / "addresses.bson").write_bytes(b"")

    read = check_source(DumpSource(dump))

    assert read["addresses"] == 0
    assert read["users"] > 0


def test_a_gzipped_dump_that_is_whole_reads_as_the_plain_one(dump, tmp_path):
    packed = copy_folder(dump, tmp_path / "packed" / DB)
    for path in packed.glob("*.bson"):
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes()))
        path.unlink()

    assert check_source(DumpSource(packed)) == check_source(DumpSource(dump))
    assert list(DumpSource(packed).documents("users")) == list(DumpSource(dump).documents("users"))


# --- JSON ---------------------------------------------------------------------------------------


def replace_line(path: Path, number: int, line: bytes) -> None:
    lines = path.read_bytes().split(b"\n")
    lines[number - 1] = line
    path.write_bytes(b"\n".join(lines))


def test_json_that_is_not_utf8_is_refused_naming_the_file_and_line(export):
    users = export / "users.json"
    lines = users.read_bytes().split(b"\n")
    replace_line(users, 5, lines[4].replace(b'"name":"', b'"name":"\xff\xfe', 1))

    message = refuse_import(str(export), mentions=(str(users), "line 5", "not UTF-8"))

    assert "byte offset" in message


def test_json_that_is_not_utf8_is_found_on_its_line_across_chunks(monkeypatch, tmp_path):
    monkeypatch.setattr(json_files, "CHUNK", 7)
    folder = tmp_path / "json"
    folder.mkdir()
    good = ['{"name": "₹ ₹ ₹ dahi"}', '{"name": "ghee ₹"}', '{"name": "paneer"}']
    data = "\n".join(good).encode() + b'\n{"name": "b\xe2\x82"}\n{"name": "x"}\n'
    (folder / "products.json").write_bytes(data)
    at = data.index(b'\xe2\x82"')

    with pytest.raises(SourceError, match=rf"products\.json: line 4: not UTF-8 .* offset {at}\)"):
        check_source(ExportSource(folder))
    read = ExportSource(folder).documents("products")
    assert [next(read)["name"] for _ in good] == ["₹ ₹ ₹ dahi", "ghee ₹", "paneer"]


def test_a_truncated_json_file_is_refused_naming_the_file_and_line(export):
    customers = export / "customers_v2.json"
    data = customers.read_bytes()
    cut = [m.start() for m in re.finditer(b"\n", data)][19] + 25  # 25 bytes into line 21
    customers.write_bytes(data[:cut])

    message = refuse_import(str(export), mentions=("customers_v2.json", "line 21"))

    assert "not valid JSON" in message


def test_a_json_line_that_is_valid_json_but_not_an_object_is_refused(export):
    products = export / "products.json"
    replace_line(products, 3, b'["not", "a", "document"]')

    refuse_import(str(export), mentions=("products.json", "line 3", "an array, not a document"))


def test_a_json_line_with_a_bad_extended_json_value_is_refused(export):
    payments = export / "payment_transactions.json"
    replace_line(payments, 2, b'{"id": "p", "amount": {"$numberDecimal": "lots"}}')

    refuse_import(
        str(export), mentions=("payment_transactions.json", "line 2", "not valid Extended JSON")
    )


def test_garbage_appended_to_a_json_lines_file_is_refused(export):
    orders = export / "orders.json"
    lines = orders.read_bytes().rstrip(b"\n").count(b"\n") + 1
    orders.write_bytes(orders.read_bytes() + b"\x00garbage")

    refuse_import(str(export), mentions=("orders.json", f"line {lines + 1}"))


def as_array(path: Path) -> str:
    """The export file as a pretty-printed --jsonArray file."""
    docs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return json.dumps(docs, indent=2)


def test_a_json_array_file_cut_short_is_refused_naming_the_line(export):
    products = export / "products.json"
    text = as_array(products)
    cut = text.rindex('"name"') + 10
    products.write_text(text[:cut])

    refuse_import(str(export), mentions=("products.json", f"line {text[:cut].count(chr(10)) + 1}"))


def test_a_json_array_file_cut_between_documents_is_refused(export):
    products = export / "products.json"
    text = as_array(products)
    cut = text.rindex("}") + 1  # every document whole, the closing ] gone
    products.write_text(text[:cut])

    refuse_import(str(export), mentions=("products.json", "line", "before its closing ]"))


def test_garbage_after_a_json_array_is_refused(export):
    products = export / "products.json"
    text = as_array(products)
    products.write_text(text + "\ngarbage\n")

    refuse_import(
        str(export),
        mentions=("products.json", f"line {text.count(chr(10)) + 2}", "after the closing ]"),
    )


def test_a_bad_document_in_a_json_array_is_found_on_its_line_across_chunks(monkeypatch):
    monkeypatch.setattr(json_files, "CHUNK", 16)
    docs = [{"i": i, "text": "x" * (i * 7)} for i in range(30)]
    text = json.dumps(docs, indent=2)
    line = text.count("\n", 0, text.index('"i": 17')) + 1
    text = text.replace('"i": 17', '"i": 17 17')

    with pytest.raises(SourceError, match=rf"^t: line {line}: not valid JSON"):
        list(_json_documents(io.StringIO(text), "t"))


def test_a_truncated_gzipped_json_file_is_refused_naming_the_line(export):
    users = export / "users.json"
    data = users.read_bytes()
    users.unlink()
    packed = gzip.compress(data)
    (export / "users.json.gz").write_bytes(packed[: len(packed) // 2])

    message = refuse_import(str(export), mentions=("users.json.gz", "line "))

    assert "cut off or corrupt" in message or "not valid JSON" in message


# --- options --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch-size", "0"], "--batch-size is a number of documents, 1 or more (not 0)"),
        (["--batch-size", "-5"], "--batch-size is a number of documents, 1 or more (not -5)"),
        (["--batch-size", "many"], "invalid int value"),
        (["--billed-through", "2026-00"], "--billed-through is a month: YYYY-MM"),
        (["--billed-through", "2026-13"], "--billed-through is a month: YYYY-MM"),
        (["--billed-through", "2026-1"], "--billed-through is a month: YYYY-MM"),
        (["--billed-through", "0000-01"], "--billed-through is a month: YYYY-MM"),
        (["--billed-through", "January"], "--billed-through is a month: YYYY-MM"),
        (["--billed-through", ""], "--billed-through is a month: YYYY-MM"),
        (["--db", "earlybird"], "holds no database named 'earlybird'; it holds earlybird_delivery"),
        (["--mongo-uri", "mongodb://x", "--db", DB], "not both"),
    ],
)
def test_a_bad_option_is_refused_and_writes_nothing(dump, args, message):
    refuse_import(str(dump.parent), *args, mentions=(message,))


def test_db_naming_another_database_than_the_dumps_own_folder_is_refused(dump):
    refuse_import(str(dump), "--db", "earlybird", mentions=(f"{dump} is the dump of", DB))


def test_a_source_that_does_not_exist_is_refused(tmp_path):
    missing = tmp_path / "no-such-dump"

    refuse_import(str(missing), mentions=(str(missing), "is not a folder"))


def test_a_source_that_is_a_file_is_refused(dump):
    refuse_import(str(dump / "users.bson"), mentions=("users.bson", "is not a folder"))


@pytest.mark.parametrize("files", [[], ["notes.txt", "dump.tar"]], ids=["empty", "other files"])
def test_a_folder_that_is_neither_a_dump_nor_an_export_is_refused(tmp_path, files):
    folder = tmp_path / "backup"
    folder.mkdir()
    for name in files:
        (folder / name).write_text("hello")

    refuse_import(
        str(folder),
        mentions=(str(folder), "neither a mongodump folder", "nor a mongoexport folder"),
    )


# --- reconcile_legacy -------------------------------------------------------------------------------


def test_reconcile_refuses_a_truncated_bson_file_naming_the_file_and_offset(dump):
    customers = dump / "customers_v2.bson"
    data = customers.read_bytes()
    customers.write_bytes(data[: offsets(data)[4] + 9])

    message = refused(
        "reconcile_legacy",
        str(dump.parent),
        mentions=("customers_v2.bson", f"byte offset {offsets(data)[4]}"),
    )

    assert "Nothing was compared" in message


def test_reconcile_refuses_a_json_line_that_is_not_an_object(export):
    replace_line(export / "orders.json", 4, b"42")

    refused("reconcile_legacy", str(export), mentions=("orders.json", "line 4"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{dump}", "--db", "earlybird"], "holds no database named 'earlybird'"),
        (["{missing}"], "is not a folder"),
        ([], "Give a SOURCE folder"),
        (["--mongo-uri", "mongodb://x"], "--mongo-uri needs --db"),
    ],
)
def test_reconcile_refuses_bad_source_options(dump, tmp_path, args, message):
    names = {"{dump}": str(dump.parent), "{missing}": str(tmp_path / "missing")}

    refused("reconcile_legacy", *[names.get(a, a) for a in args], mentions=(message,))
