"""Where the old MongoDB data comes from: a `mongodump` folder, a folder of `mongoexport`
JSON files, or a live server. Every source streams documents one at a time, decoded to the
same plain Python values whatever the format:

* ObjectId → its 24-hex string; BSON date → an aware UTC `datetime`;
* int32/int64 → `int`; double → `float`; Decimal128 → `Decimal`;
* strings, booleans, null, arrays and sub-documents as they are.

So a document read from the BSON dump equals the same document read from the JSON export,
and its checksum is the same.

A damaged file is an error that names the file and where in it the damage is: the byte offset
for BSON (of the uncompressed data when gzipped), the line for JSON. `check_source` reads
every document of every collection once, so a command can refuse a bad source before it
writes anything (the import commits batch by batch, see services.py).

    open_source("../shared/legacy-sample/dump", db="earlybird_delivery")
    open_source("../shared/legacy-sample/json")
    MongoSource("mongodb://…", db="earlybird")
"""

from legacy_import.sources.errors import BadDocument, SourceError
from legacy_import.sources.folders import (
    DumpSource,
    ExportSource,
    Source,
    check_source,
    open_source,
)
from legacy_import.sources.folders import source_from_options as source_from_options
from legacy_import.sources.json_files import _json_documents as _json_documents
from legacy_import.sources.mongo import MongoSource

__all__ = [
    "BadDocument",
    "DumpSource",
    "ExportSource",
    "MongoSource",
    "Source",
    "SourceError",
    "check_source",
    "open_source",
]
