"""Runs the code blocks the docs mark as tested, so the commands a new user
copies keep working.

    doc_blocks.py SRC_ROOT BUILD_DIR FILE.md...

A block is tested when the line before its fence is `<!-- doctest -->`.
```sh blocks run in bash (-e -u -o pipefail), ```python blocks in Debian's
/usr/bin/python3. Each file's blocks run in order in one scratch directory
that has `models`, `scripts`, `bench`, `docs` and `build` linked to the
source tree's and the build's,
so the commands read exactly as a user runs them from the repository root
(outputs land in the scratch directory). Prints one line per block; the
exit status is 1 when any block fails (its output is printed).
"""
import os
import subprocess
import sys
import tempfile
import time

src, build, files = sys.argv[1], sys.argv[2], sys.argv[3:]
failed = 0
for path in files:
    lines = open(path).read().split("\n")
    rel = os.path.relpath(path, src)
    blocks = []
    for i, line in enumerate(lines):
        if line.strip() != "<!-- doctest -->" or i + 1 >= len(lines):
            continue
        fence = lines[i + 1].strip()
        lang = fence[3:].strip()
        if not fence.startswith("```") or lang not in ("sh", "python"):
            print(f"{rel}:{i + 1}: a doctest mark must precede a ```sh or ```python block")
            failed += 1
            continue
        end = next((j for j in range(i + 2, len(lines)) if lines[j].strip() == "```"), None)
        if end is None:
            print(f"{rel}:{i + 2}: unterminated block")
            failed += 1
            continue
        blocks.append((i + 2, lang, "\n".join(lines[i + 2:end]) + "\n"))
    with tempfile.TemporaryDirectory(prefix="doctest-") as work:
        for d in ("models", "scripts", "bench", "docs"):
            os.symlink(os.path.join(src, d), os.path.join(work, d))
        os.symlink(build, os.path.join(work, "build"))
        # The scripts build into DYAD_BUILD_DIR: the tested build, already
        # configured, so they find nothing to do.
        env = dict(os.environ, PYTHONPATH=os.path.join(build, "python"),
                   DYAD_BUILD_DIR=build)
        for line, lang, code in blocks:
            cmd = (["bash", "-euo", "pipefail", "-c", code] if lang == "sh"
                   else ["/usr/bin/python3", "-c", code])
            t0 = time.time()
            p = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
            where = f"{rel}:{line} ({lang})"
            if p.returncode == 0:
                print(f"{where}: ok ({time.time() - t0:.1f} s)")
            else:
                failed += 1
                print(f"{where}: FAILED with status {p.returncode}\n{p.stdout}{p.stderr}")
        print(f"{rel}: {len(blocks)} blocks")
sys.exit(1 if failed else 0)
