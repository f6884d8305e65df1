"""Running the `pact-chronology` command in tests, as compose and the README do."""

import os
import subprocess
import sys


def cli(*args: str, database_url: str, **env_vars: str) -> subprocess.CompletedProcess[str]:
    """Run the `pact-chronology` command as compose and the README do."""
    env = {**os.environ, "DATABASE_URL": database_url, **env_vars}
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )
