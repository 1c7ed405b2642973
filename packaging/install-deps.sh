#!/usr/bin/env bash
# Installs the Debian 12 packages Launchdeck needs to build, test and package itself, and the npm
# packages its Kubernetes schema is generated from; installs only what is missing, so running it
# again on a prepared machine changes nothing.
set -euo pipefail

source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config git python3 file dpkg-dev
    # Qt 6.4 and the OpenGL/Vulkan headers Qt6Gui's CMake config looks for
    qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev
    libgl-dev libegl-dev libopengl-dev libglx-dev libvulkan-dev libxkbcommon-dev
    qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-svg-dev libqt6svg6 libqt6sql6-sqlite
    # platform plugins: libqt6gui6 carries xcb (a real window) and offscreen (headless tests)
    libqt6gui6 qt6-qpa-plugins
    # libraries the services use
    libyaml-cpp-dev libyaml-dev libcurl4-openssl-dev libhttp-parser-dev libvalijson-dev
    libfontconfig-dev
    qtkeychain-qt6-dev
    # schemas the validators are generated from (the Kubernetes types come from npm, below)
    docker-compose
    # fuzzing
    clang-14 libfuzzer-14-dev libclang-rt-14-dev
    # the dependency graph of docs/architecture.md
    graphviz
    # packaging checks and a display for tests that need one
    appstream desktop-file-utils xvfb xauth
    # local HTTP servers, a load generator and HAProxy for the HTTP, load-test and traffic tests
    busybox-static nginx wrk haproxy
    # Prometheus and Alertmanager for the metrics, analysis and alert tests (amtool comes with
    # Alertmanager)
    prometheus prometheus-alertmanager
    # the test CA and certificates of the HTTPS and Kubernetes API tests
    openssl
    # a private dockerd for the Docker integration tests (they import busybox-static as an image)
    docker.io
    # the image registry of the registry tests, and htpasswd for its sign-in
    docker-registry apache2-utils
    # a private D-Bus daemon and Secret Service for the keyring test; QtKeychain loads libsecret
    # at run time and does without the Secret Service when it is missing
    dbus-daemon gnome-keyring libsecret-1-0
)

# npm fetches the Kubernetes types; a Node.js installed from elsewhere brings its own npm.
if ! command -v npm >/dev/null; then
    packages+=(npm)
fi

# `npm ci` into services/kubeschema/node_modules from the committed lock file, again only when
# the lock file changed since the last install.
install_npm_packages() {
    local dir=$source_dir/services/kubeschema
    local stamp=$dir/node_modules/.installed-package-lock.json
    if cmp -s "$dir/package-lock.json" "$stamp"; then
        echo "install-deps: the npm packages of services/kubeschema are installed"
        return
    fi
    echo "install-deps: installing the npm packages of services/kubeschema"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
    cp "$dir/package-lock.json" "$stamp"
}

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    if [[ $status != "install ok installed" ]]; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages are installed"
    install_npm_packages
    exit 0
fi

if ((EUID != 0)); then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run as root (sudo) to install them" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Servers among the packages (nginx, dockerd) are started by Launchdeck's tests on their own ports
# and sockets when needed; the package must not start a system-wide instance on install.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
install_npm_packages
