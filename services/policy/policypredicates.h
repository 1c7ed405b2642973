// Small judgements about images, host paths and variable names that both the Kubernetes policy
// checks and the Compose checks make, so the two agree on what is risky.
#pragma once

#include <QStringView>

namespace launchdeck {

// True when the image has no tag or the tag "latest"; a digest ("app@sha256:...") pins it.
// A registry port ("registry:5000/app") is not a tag.
bool isLatestTag(QStringView image);

// True for host directories whose mounting hands a container the host: kube-linter's list
// (/, /boot, /dev, /etc, /lib, /proc, /sys, /usr) plus /root, /var/lib/kubelet, /var/lib/docker,
// /var/run, /run and the container runtime sockets; anything below /proc, /sys, /boot, /root
// and /var/lib/kubelet too. Trailing and doubled slashes do not hide a path.
bool isSensitiveHostPath(QStringView hostPath);

// True for a Docker Engine socket (a path ending in "docker.sock", as kube-linter matches it).
bool isDockerSocketPath(QStringView hostPath);

// True for variable names that suggest a credential: SECRET, PASSWORD, PASSWD, TOKEN,
// CREDENTIAL, PRIVATE_KEY, APIKEY/API_KEY, ACCESS_KEY, or a KEY word ("AWS_SECRET_KEY",
// "STRIPE_KEY"), case-insensitively. Wider than kube-linter's default (".*secret.*"), which
// misses the commonest leaks. Callers flag only names holding a literal value.
bool looksLikeSecretEnvName(QStringView name);

} // namespace launchdeck
