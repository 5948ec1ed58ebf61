"""Every app module imports on its own, in a fresh interpreter: no module depends on another
having been imported first, which an import cycle would need."""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ("campaigns", "entries", "builder")


def _app_modules() -> list[str]:
    names = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_each_app_module_imports_fresh():
    script = (
        "import importlib, sys, django\n"
        "django.setup()\n"
        "failed = []\n"
        "apps = sys.argv[1].split(',')\n"
        "for name in sys.argv[2:]:\n"
        "    for loaded in [m for m in sys.modules if m.split('.')[0] in apps]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as error:\n"
        "        failed.append(f'{name}: {error}')\n"
        "print('\\n'.join(failed))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, ",".join(APPS), *_app_modules()], cwd=ROOT,
        capture_output=True,
        text=True, env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": ""}, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


# A service that sends a task imports the tasks module when it sends: that module imports the
# service. App config's ready() is where Django wants registering imports.
LATE_IMPORTS_ALLOWED = {
    ("campaigns.services.workspaces", "campaigns.tasks"),
    ("entries.services.exports", "entries.tasks"),
    ("entries.mail.outbox", "entries.tasks"),
    ("entries.webhooks.outbox", "entries.tasks"),
    ("entries.apps", "entries"),
}


def test_app_code_imports_at_module_top():


    late = set()
    for name in _app_modules():
        path = ROOT / (name.replace(".", "/") + ".py")
        if not path.exists():
            path = ROOT / name.replace(".", "/") / "__init__.py"
        for function in ast.walk(ast.parse(path.read_text())):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                late |= {(name, node.module) for node in ast.walk(function)
                         if isinstance(node, ast.ImportFrom)}
                late |= {(name, alias.name) for node in ast.walk(function)
                         if isinstance(node, ast.Import) for alias in node.names}
    assert late <= LATE_IMPORTS_ALLOWED, sorted(late - LATE_IMPORTS_ALLOWED)
