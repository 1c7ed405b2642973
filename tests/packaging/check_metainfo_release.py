#!/usr/bin/env python3
"""Fails when the AppStream metainfo's newest release is not the project's version."""
import sys
import xml.etree.ElementTree as ET

path, version = sys.argv[1], sys.argv[2]
releases = ET.parse(path).getroot().findall("./releases/release")
if not releases:
    print(f"{path}: no <release> entries")
    sys.exit(1)
newest = releases[0].get("version")
if newest != version:
    print(f"{path}: newest release is {newest}, the project is {version}: add a <release> entry")
    sys.exit(1)
print(f"{path}: newest release {newest} matches the project version")
