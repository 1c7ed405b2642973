#!/usr/bin/env python3
"""Fails when a translatable string in the code has no finished German translation.

Runs lupdate over the given source folders into a scratch .ts (the real one is only read), then
looks every (context, source, disambiguation) up in the committed translation.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def messages(ts_path):
    """Yields (key, message element, context name) for every message of a .ts file."""
    root = ET.parse(ts_path).getroot()
    for context in root.iter("context"):
        name = context.findtext("name", default="")
        for message in context.iter("message"):
            key = (name, message.findtext("source", default=""),
                   message.findtext("comment", default=""))
            yield key, message


def is_finished(message):
    translation = message.find("translation")
    if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
        return False
    forms = translation.findall("numerusform")
    if message.get("numerus") == "yes":
        return bool(forms) and all((form.text or "").strip() for form in forms)
    return bool((translation.text or "").strip())


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lupdate", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--ts", required=True, help="the committed translation, only read")
    parser.add_argument("folders", nargs="+", help="source folders, relative to --source-dir")
    args = parser.parse_args()

    source_dir = os.path.abspath(args.source_dir)
    folders = [os.path.join(source_dir, f) for f in args.folders
               if os.path.isdir(os.path.join(source_dir, f))]
    translated = {key: message for key, message in messages(args.ts)}

    with tempfile.TemporaryDirectory(prefix="launchdeck-lupdate-") as scratch:
        scan = os.path.join(scratch, "scan.ts")
        result = subprocess.run(
            [args.lupdate, "-silent", "-locations", "absolute", "-no-ui-lines", *folders,
             "-ts", scan],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        if result.returncode != 0 or not os.path.exists(scan):
            sys.stdout.write(result.stdout)
            print(f"lupdate failed with status {result.returncode}")
            return 1
        if result.stdout.strip():
            sys.stdout.write(result.stdout)

        found = 0
        missing = []
        for key, message in messages(scan):
            found += 1
            if key in translated and is_finished(translated[key]):
                continue
            places = []
            for location in message.iter("location"):
                path = os.path.normpath(os.path.join(scratch, location.get("filename", "")))
                places.append(f"{os.path.relpath(path, source_dir)}:{location.get('line', '0')}")
            missing.append((places or ["?"], key))

    for places, (context, source, comment) in missing:
        what = "no finished translation" if (context, source, comment) in translated \
            else "not in the .ts"
        note = f" ({comment})" if comment else ""
        print(f"{places[0]}: {context}: \"{source}\"{note}: {what}")
        for place in places[1:]:
            print(f"    also at {place}")
    print(f"{found} translatable strings in {', '.join(args.folders)}; "
          f"{len(missing)} without a finished German translation in "
          f"{os.path.relpath(args.ts, source_dir)}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
