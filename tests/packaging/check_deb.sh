#!/usr/bin/env bash
# Builds the Debian package from a finished build tree into a scratch folder, unpacks it, and
# checks that it holds what a desktop needs and that the packaged program starts.
# usage: check_deb.sh BUILD_DIR CPACK VERSION
set -euo pipefail

build_dir=$1
cpack=$2
version=$3
app_id=io.launchdeck.Launchdeck

work=$(mktemp -d -t launchdeck-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$cpack" -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 || {
    cat "$work/cpack.log"
    echo "check_deb: cpack failed"
    exit 1
}
shopt -s nullglob
debs=("$work"/out/*.deb)
if ((${#debs[@]} != 1)); then
    cat "$work/cpack.log"
    echo "check_deb: expected one .deb, found ${#debs[@]}"
    exit 1
fi
deb=${debs[0]}
echo "check_deb: built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

failures=0
expect() {
    if ! eval "$2"; then
        echo "check_deb: FAIL: $1"
        failures=$((failures + 1))
    fi
}

field() { dpkg-deb -f "$deb" "$1"; }
expect "package name is launchdeck" '[[ $(field Package) == launchdeck ]]'
expect "version is $version" '[[ $(field Version) == "$version" ]]'
expect "maintainer is set" '[[ $(field Maintainer) == "Launchdeck Developers <dev@launchdeck.invalid>" ]]'
expect "section is devel" '[[ $(field Section) == devel ]]'
# dpkg-shlibdeps ran: the Qt libraries the binary links appear as dependencies.
expect "depends on Qt Core (shlibdeps)" '[[ $(field Depends) == *libqt6core6* ]]'
expect "depends on the Qt SQLite driver" '[[ $(field Depends) == *libqt6sql6-sqlite* ]]'
expect "depends on libcurl, which it loads on first use" '[[ $(field Depends) == *libcurl4* ]]'

dpkg-deb -x "$deb" "$work/root"
root=$work/root
expect "usr/bin/launchdeck is an executable" '[[ -x $root/usr/bin/launchdeck ]]'
expect "libcurl is not loaded at start (it is on first use)" '! objdump -p "$root/usr/bin/launchdeck" | grep NEEDED | grep -q libcurl'
expect "Qt Network is not linked (libcurl serves every connection)" '! objdump -p "$root/usr/bin/launchdeck" | grep NEEDED | grep -q Qt6Network'
expect "desktop entry installed" "[[ -f \$root/usr/share/applications/$app_id.desktop ]]"
expect "metainfo installed" "[[ -f \$root/usr/share/metainfo/$app_id.metainfo.xml ]]"
expect "icon installed" "[[ -f \$root/usr/share/icons/hicolor/scalable/apps/$app_id.svg ]]"

if [[ -x $root/usr/bin/launchdeck ]]; then
    output=$(QT_QPA_PLATFORM=offscreen timeout 30 "$root/usr/bin/launchdeck" --version 2>&1) || {
        echo "check_deb: FAIL: the packaged launchdeck --version exited with status $?"
        failures=$((failures + 1))
    }
    echo "check_deb: launchdeck --version: $output"
    expect "--version prints $version" '[[ $output == *"$version"* ]]'
fi

if ((failures > 0)); then
    echo "check_deb: $failures check(s) failed; contents:"
    dpkg-deb -c "$deb"
    exit 1
fi
echo "check_deb: package contents and the packaged program are as expected"
