"""The engine stays pure: importing it pulls in the standard library and `regex`, nothing else."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import json, sys
before = set(sys.modules)
import campaigns.flow
print(json.dumps(sorted({name.split(".")[0] for name in set(sys.modules) - before})))
"""


def test_flow_imports_only_the_standard_library_and_regex() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    imported = set(json.loads(result.stdout)) - set(sys.stdlib_module_names)
    assert imported <= {"campaigns", "regex"}, imported
