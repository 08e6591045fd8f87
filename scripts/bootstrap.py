#!/usr/bin/env python3
"""Set up ShopDesk from a fresh checkout and run it, on Linux, Windows or macOS.

    python3 scripts/bootstrap.py demo [--db PATH] [--products N]
        install, make a demo database (once) and start the app on it
    python3 scripts/bootstrap.py test [PYTEST ARGS...]
        install with the test tools and run the test suite (exit code = pytest's)

Steps, each skipped when there is nothing to do:

1. Debian/Ubuntu only: install the OS libraries Qt needs (xcb and offscreen platform
   plugins) and fonts (DejaVu, a CJK font) with apt-get -- as root directly, through
   ``sudo -n`` when that works without a password, otherwise print the command to run.
2. Create ``.venv`` in the repository with the Python running this script.
3. ``pip install -e .`` (demo) or ``pip install -e ".[test]"`` (test) into it; skipped
   when pyproject.toml has not changed since the last install (stamp file in .venv).

Options before the command: ``--no-os-packages`` skips step 1 (so does the environment
variable SHOPDESK_BOOTSTRAP_NO_APT=1).

Standard library only; Python 3.11 or newer.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

MIN_PYTHON = (3, 11)
REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv"
STAMP = VENV / "shopdesk-bootstrap.json"
DEFAULT_DEMO_DB = REPO / ".demo" / "shopdesk-demo.sqlite"
DEMO_PRODUCTS = 5000

# Each entry is one need; a tuple lists packages that each satisfy it (the first one apt
# knows is installed). Names that were renamed across releases (the 64-bit time_t
# transition in Debian 13 / Ubuntu 24.04) are listed newest first.
OS_PACKAGES: list[tuple[str, ...]] = [
    # Qt's xcb platform plugin (a window on an X11 desktop)
    ("libxcb-icccm4",), ("libxcb-keysyms1",), ("libxcb-cursor0",), ("libxcb-image0",),
    ("libxcb-render-util0",), ("libxcb-xinerama0",), ("libxcb-xkb1",), ("libxkbcommon-x11-0",),
    ("libxcb-randr0",), ("libxcb-shape0",),
    # the offscreen plugin (tests, CI) and Qt's core libraries
    ("libegl1",), ("libgl1",), ("libfontconfig1",), ("libglib2.0-0t64", "libglib2.0-0"),
    ("libxkbcommon0",), ("libdbus-1-3",),
    # fonts: Latin/Greek/Cyrillic, and one CJK font so Chinese product names render
    ("fonts-dejavu-core",),
    ("fonts-wqy-microhei", "fonts-noto-cjk", "fonts-wqy-zenhei", "fonts-droid-fallback"),
]


def say(message: str) -> None:
    print(f"bootstrap: {message}", flush=True)


def warn(message: str) -> None:
    print(f"bootstrap: WARNING: {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], **kwargs) -> int:
    say("$ " + " ".join(shlex.quote(str(c)) for c in cmd))
    return subprocess.call([str(c) for c in cmd], **kwargs)


# --- 1. OS packages ----------------------------------------------------------------------

def _installed_debs(names: list[str]) -> set[str]:
    """The subset of ``names`` that ``dpkg -s`` reports as installed."""
    result = subprocess.run(["dpkg", "-s", *names], capture_output=True, text=True)
    installed = set()
    # dpkg -s prints one stanza per known package (unknown ones go to stderr).
    for stanza in result.stdout.split("\n\n"):
        fields = dict(line.split(":", 1) for line in stanza.splitlines()
                      if ":" in line and not line.startswith(" "))
        name = fields.get("Package", "").strip()
        status = fields.get("Status", "").split()
        if name and status[-1:] == ["installed"]:  # not "not-installed", "config-files", ...
            installed.add(name)
    return installed


def _apt_candidate(name: str) -> bool:
    """Whether apt can install ``name`` (a real package with a candidate version)."""
    result = subprocess.run(["apt-cache", "policy", name], capture_output=True, text=True)
    for line in result.stdout.splitlines():
        if line.strip().startswith("Candidate:"):
            return line.split(":", 1)[1].strip() not in ("", "(none)")
    return False


def _pick(need: tuple[str, ...]) -> str | None:
    """The first of the alternatives that apt can install, if any."""
    return next((name for name in need if _apt_candidate(name)), None)


def _fallback(need: tuple[str, ...]) -> str:
    """A name to suggest when apt's lists say nothing (e.g. never updated)."""
    plain = [name for name in need if not name.endswith("t64")]
    return (plain or list(need))[0]


def _needs() -> list[tuple[str, ...]]:
    needs = list(OS_PACKAGES)
    try:
        import ensurepip  # noqa: F401  (Debian ships it in a separate package)
    except ImportError:
        minor = f"{sys.version_info.major}.{sys.version_info.minor}"
        needs.append((f"python{minor}-venv", "python3-venv"))
    return needs


def ensure_os_packages() -> None:
    if not sys.platform.startswith("linux") or shutil.which("apt-get") is None \
            or shutil.which("dpkg") is None:
        return
    needs = _needs()
    installed = _installed_debs(sorted({name for need in needs for name in need}))
    missing = [need for need in needs if not installed.intersection(need)]
    if not missing:
        say("OS packages for Qt and fonts: all present")
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        prefix: list[str] | None = []
    elif shutil.which("sudo") and subprocess.run(
            ["sudo", "-n", "true"], capture_output=True).returncode == 0:
        # sudo drops the environment, so the non-interactive frontend is passed through env
        prefix = ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"]
    else:
        prefix = None
    if prefix is None:
        names = " ".join(_pick(need) or _fallback(need) for need in missing)
        warn("these OS packages are missing and I cannot install them without a password.")
        warn("Qt may fail to start until you run:")
        print(f"\n    sudo apt-get update && sudo apt-get install -y --no-install-recommends {names}\n",
              file=sys.stderr, flush=True)
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    say("installing missing OS packages: " + ", ".join("/".join(n) for n in missing))
    if run([*prefix, "apt-get", "update", "-q"], env=env) != 0:
        warn("apt-get update failed; trying to install from the package lists as they are")
    chosen = []
    for need in missing:
        name = _pick(need)
        if name is None:
            warn(f"apt knows none of {', '.join(need)}; skipped")
        else:
            chosen.append(name)
    if not chosen:
        return
    code = run([*prefix, "apt-get", "install", "-y", "-q", "--no-install-recommends", *chosen],
               env=env, stdin=subprocess.DEVNULL)
    if code != 0:
        warn(f"apt-get install failed (exit {code}); continuing, but Qt may not start")


# --- 2. virtual environment --------------------------------------------------------------

def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _venv_works() -> bool:
    python = venv_python()
    if not python.exists():
        return False
    try:
        return subprocess.run([str(python), "-c", "import sys"], capture_output=True,
                              timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def ensure_venv() -> Path:
    if _venv_works():
        return venv_python()
    if VENV.exists():
        say(f"{VENV} exists but its Python does not run; making it again")
        shutil.rmtree(VENV)
    say(f"creating {VENV} with Python {platform.python_version()} ({sys.executable})")
    if run([sys.executable, "-m", "venv", str(VENV)]) != 0 or not _venv_works():
        shutil.rmtree(VENV, ignore_errors=True)
        hint = ""
        if sys.platform.startswith("linux"):
            minor = f"{sys.version_info.major}.{sys.version_info.minor}"
            hint = f" On Debian/Ubuntu install python{minor}-venv (apt-get) and try again."
        raise SystemExit(f"bootstrap: could not create the virtual environment {VENV}.{hint}")
    return venv_python()


# --- 3. pip install ----------------------------------------------------------------------

def _install_key(extras: str) -> dict:
    digest = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()
    return {"pyproject_sha256": digest, "extras": extras, "repo": str(REPO),
            "python": str(venv_python())}


def _stamp_satisfies(wanted: dict) -> bool:
    try:
        have = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    same = all(have.get(k) == wanted[k] for k in ("pyproject_sha256", "repo", "python"))
    # an install with the test extras also serves the demo
    return same and (have.get("extras") == wanted["extras"] or have.get("extras") == "test")


def ensure_installed(python: Path, extras: str) -> None:
    wanted = _install_key(extras)
    # -I: isolated mode, so the check cannot import the sources from the current folder.
    check = "import importlib.metadata as m, shopdesk; m.version('shopdesk')"
    if _stamp_satisfies(wanted) and subprocess.run(
            [str(python), "-I", "-c", check], cwd=REPO, capture_output=True).returncode == 0:
        say("ShopDesk is installed and pyproject.toml is unchanged: skipping pip")
        return
    STAMP.unlink(missing_ok=True)
    target = f".[{extras}]" if extras else "."
    code = run([python, "-m", "pip", "install", "--disable-pip-version-check", "-e", target],
               cwd=REPO)
    if code != 0:
        raise SystemExit(f"bootstrap: pip install failed (exit {code})")
    STAMP.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")


# --- commands ----------------------------------------------------------------------------

def _has_display() -> bool:
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True  # Windows and macOS always have a screen for Qt


def _print_logins(python: Path) -> None:
    snippet = (
        "from shopdesk.services.demo import DEMO_STAFF\n"
        "print('Demo logins (user / password / PIN):')\n"
        "for s in DEMO_STAFF:\n"
        "    print(f'  {s.role.value:8} {s.username:8} / {s.password} / {s.pin}')\n"
    )
    subprocess.call([str(python), "-c", snippet], cwd=REPO)


def cmd_demo(argv: list[str], *, os_packages: bool) -> int:
    parser = argparse.ArgumentParser(prog="bootstrap.py demo",
                                     description="Install ShopDesk and start it on a demo database.")
    parser.add_argument("--db", type=Path, default=DEFAULT_DEMO_DB,
                        help=f"demo database file (default: {DEFAULT_DEMO_DB})")
    parser.add_argument("--products", type=int, default=DEMO_PRODUCTS,
                        help=f"products in a new demo database (default: {DEMO_PRODUCTS})")
    args = parser.parse_args(argv)
    db = args.db.expanduser().resolve()

    if os_packages:
        ensure_os_packages()
    python = ensure_venv()
    ensure_installed(python, "")

    if db.exists():
        say(f"using the existing demo database {db} (delete it to start afresh)")
        _print_logins(python)
    else:
        db.parent.mkdir(parents=True, exist_ok=True)
        say(f"making a demo database with {args.products} products: {db}")
        code = run([python, "-m", "shopdesk", "--db", db, "demo", "--products", str(args.products)],
                   cwd=REPO)
        if code != 0:
            for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                leftover.unlink(missing_ok=True)
            raise SystemExit(f"bootstrap: making the demo database failed (exit {code})")
    if not _has_display() and not os.environ.get("QT_QPA_PLATFORM"):
        warn("no DISPLAY or WAYLAND_DISPLAY is set: the window may not be able to open")
    say("starting ShopDesk")
    return run([python, "-m", "shopdesk", "--db", db], cwd=REPO)


def cmd_test(pytest_args: list[str], *, os_packages: bool) -> int:
    if os_packages:
        ensure_os_packages()
    python = ensure_venv()
    ensure_installed(python, "test")
    env = dict(os.environ)
    if not env.get("QT_QPA_PLATFORM") and not _has_display():
        env["QT_QPA_PLATFORM"] = "offscreen"
    subprocess.call([str(python), "-c",
                     "import platform, PySide6, PySide6.QtCore as c; "
                     "print(f'bootstrap: Python {platform.python_version()}, PySide6 "
                     "{PySide6.__version__}, Qt {c.qVersion()}', flush=True)"], cwd=REPO)
    say(f"QT_QPA_PLATFORM={env.get('QT_QPA_PLATFORM', '(Qt default)')}")
    return run([python, "-m", "pytest", *pytest_args], cwd=REPO, env=env)


USAGE = """\
usage: python3 scripts/bootstrap.py [--no-os-packages] demo [--db PATH] [--products N]
       python3 scripts/bootstrap.py [--no-os-packages] test [PYTEST ARGS...]

  demo   install ShopDesk into .venv, make a demo database once, start the app
  test   install ShopDesk with its test tools into .venv and run pytest
"""


def main(argv: list[str]) -> int:
    if sys.version_info < MIN_PYTHON:
        print(f"bootstrap: ShopDesk needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; "
              f"this is {platform.python_version()} ({sys.executable}).", file=sys.stderr)
        return 2
    os_packages = os.environ.get("SHOPDESK_BOOTSTRAP_NO_APT", "") in ("", "0")
    args = list(argv)
    while args and args[0].startswith("-"):
        option = args.pop(0)
        if option in ("-h", "--help"):
            print(__doc__.strip() + "\n\n" + USAGE)
            return 0
        if option == "--no-os-packages":
            os_packages = False
        else:
            print(f"bootstrap: unknown option {option}\n\n{USAGE}", file=sys.stderr)
            return 2
    if not args or args[0] not in ("demo", "test"):
        print(USAGE, file=sys.stderr)
        return 2
    command, rest = args[0], args[1:]
    if command == "demo":
        return cmd_demo(rest, os_packages=os_packages)
    return cmd_test(rest, os_packages=os_packages)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
