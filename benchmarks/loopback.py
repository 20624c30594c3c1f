"""What the benchmarks share: throw-away services on loopback, started by the same
scripts as the test suite's, and the machine's load average printed with every figure."""

import contextlib
import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_average() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


@contextlib.contextmanager
def loopback_service(name: str, directory: Path, port: int, env: dict | None = None):
    """scripts/<name>.sh (postgres, elasticsearch) started in `directory` on a loopback
    port: yields its URL, stops it afterwards."""
    script = ROOT / "scripts" / f"{name}.sh"
    try:
        started = subprocess.run(
            [script, "start", str(directory), str(port)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        yield started.stdout.strip()
    finally:
        subprocess.run([script, "stop", str(directory)], check=False)


@contextlib.contextmanager
def elasticsearch(port: int):
    """ELASTICSEARCH_URL, or a node started here like the tests' but with 2 GB of heap
    (LMS_ES_JAVA_OPTS) rather than 512 MB: 100,000 courses want more."""
    if os.environ.get("ELASTICSEARCH_URL"):
        yield os.environ["ELASTICSEARCH_URL"]
        return
    run_dir = Path(tempfile.mkdtemp(prefix="lms-bench-es-", dir="/tmp"))
    run_dir.chmod(0o755)  # the node runs as its own user
    heap = os.environ.get("LMS_ES_JAVA_OPTS", "-Xms2g -Xmx2g")
    with loopback_service(
        "elasticsearch", run_dir / "es", port, {**os.environ, "LMS_ES_JAVA_OPTS": heap}
    ) as url:
        yield url
