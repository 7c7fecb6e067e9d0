"""`ls --json --compact`: the same document as `ls --json`, on one line (no indentation, one trailing newline),
for a sample of the generated fixtures and the corpus's checkpoints and SavedModels (failures keep the usual
error document)."""
from __future__ import annotations

import json

import pytest

import conftest as H


def _artifacts():
    found = []
    for root in (H.TAG_DIR, H.CORPUS_DIR):
        if not root.is_dir():
            continue
        for index in sorted(root.rglob("*.index")):
            found.append(str(index)[:-len(".index")])
        for pb in sorted(root.rglob("saved_model.pb")):
            found.append(str(pb.parent))
    return found


ARTIFACTS = _artifacts()


@pytest.mark.skipif(not ARTIFACTS, reason="no fixtures or corpus found")
@pytest.mark.parametrize("path", ARTIFACTS[:: max(1, len(ARTIFACTS) // 40)])
def test_compact_is_the_same_document_on_one_line(path):
    pretty = H.run_cli("ls", path, "--json")
    compact = H.run_cli("ls", path, "--json", "--compact")
    assert compact.returncode == pretty.returncode, compact.describe()
    if pretty.returncode != 0:  # an error document, written as every command writes it
        assert compact.stdout == pretty.stdout
        return
    assert compact.stdout.endswith("\n") and "\n" not in compact.stdout[:-1], compact.describe()
    assert json.loads(compact.stdout) == json.loads(pretty.stdout)
    assert len(compact.stdout) < len(pretty.stdout)
