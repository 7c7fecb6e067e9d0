"""`ls --json --compact`: the same document as `ls --json --pretty`, on one line (no indentation, one trailing
newline), for a sample of the generated fixtures and the corpus's checkpoints and SavedModels (failures keep the
usual error document). Compact is also the default when stdout is not a terminal (as here, a pipe)."""
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
    pretty = H.run_cli("ls", path, "--json", "--pretty")
    compact = H.run_cli("ls", path, "--json", "--compact")
    default = H.run_cli("ls", path, "--json")
    assert default.returncode == compact.returncode and default.stdout == compact.stdout, default.describe()
    assert compact.returncode == pretty.returncode, compact.describe()
    if pretty.returncode != 0:  # an error document, written as every command writes it
        assert compact.stdout == pretty.stdout
        return
    assert compact.stdout.endswith("\n") and "\n" not in compact.stdout[:-1], compact.describe()
    assert json.loads(compact.stdout) == json.loads(pretty.stdout)
    assert len(compact.stdout) < len(pretty.stdout)


@pytest.mark.skipif(not ARTIFACTS, reason="no fixtures or corpus found")
def test_compact_and_pretty_exclude_each_other():
    both = H.run_cli("ls", ARTIFACTS[0], "--json", "--compact", "--pretty")
    assert both.returncode == 2, both.describe()
