"""What the comparison scripts under benches/ share: timing a whole process
and finding the release binary."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd):
    """(seconds, peak MB, stdout) of a whole process under /usr/bin/time."""
    start = time.time()
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    seconds = time.time() - start
    if p.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {p.stderr[-2000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return seconds, int(peak.group(1)) / 1000 if peak else float("nan"), p.stdout


def release_binary(given=None):
    """The release build of slicewise: `given`, else under $CARGO_TARGET_DIR,
    ./target or ~/.cache/slicewise/target."""
    if given:
        binary = Path(given)
    else:
        candidates = [
            Path(os.environ["CARGO_TARGET_DIR"]) if "CARGO_TARGET_DIR" in os.environ else None,
            ROOT / "target",
            Path.home() / ".cache" / "slicewise" / "target",
        ]
        found = [c / "release" / "slicewise" for c in candidates if c and (c / "release" / "slicewise").exists()]
        binary = found[0] if found else None
    if binary is None or not binary.exists():
        sys.exit("no release binary: run cargo build --release (or pass --binary)")
    return binary
