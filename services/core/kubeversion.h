// A Kubernetes release as a cluster runs it ("1.29"): what an environment names and
// `validate --kubernetes-version` takes, so manifests are checked against the APIs it serves.
// Header-only: the workspace, kubeschema and validation all speak of it.
#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

#include <compare>
#include <optional>

namespace launchdeck {

struct KubeVersion
{
    int major = 1;
    int minor = 0;

    auto operator<=>(const KubeVersion&) const = default;

    QString toString() const { return QStringLiteral("%1.%2").arg(major).arg(minor); }

    // "1.29" (MAJOR.MINOR, digits only); nothing for any other text. A patch release says
    // nothing about which APIs are served, so "1.29.3" is refused rather than cut.
    static std::optional<KubeVersion> parse(QStringView text)
    {
        const qsizetype dot = text.indexOf(u'.');
        if (dot <= 0 || dot == text.size() - 1)
            return std::nullopt;
        const auto number = [](QStringView digits) -> std::optional<int> {
            if (digits.size() > 3 || (digits.size() > 1 && digits.front() == u'0'))
                return std::nullopt;
            int value = 0;
            for (const QChar c : digits) {
                if (c < u'0' || c > u'9')
                    return std::nullopt;
                value = value * 10 + (c.unicode() - u'0');
            }
            return value;
        };
        const auto major = number(text.left(dot));
        const auto minor = number(text.mid(dot + 1));
        if (!major || !minor)
            return std::nullopt;
        return KubeVersion{*major, *minor};
    }
};

// A Kubernetes release manifests are checked for, and who runs it.
struct KubeCluster
{
    KubeVersion version;
    QStringList environments; // the workspace environments that run it; empty: named otherwise
    bool assumed = false;     // not named by anyone: the newest release Launchdeck knows
};

// The oldest release Launchdeck's API lifecycle table describes (its first removals).
inline constexpr KubeVersion kOldestCheckedKubeVersion{1, 16};

// Why `text` is no Kubernetes release Launchdeck can check for, or an empty string.
inline QString kubeVersionProblem(QStringView text)
{
    const auto version = KubeVersion::parse(text);
    if (!version)
        return QStringLiteral("must be a Kubernetes release MAJOR.MINOR such as \"1.29\", not '%1'")
            .arg(text);
    if (version->major != 1 || *version < kOldestCheckedKubeVersion)
        return QStringLiteral("must be Kubernetes %1 or later, not %2")
            .arg(kOldestCheckedKubeVersion.toString(), version->toString());
    return {};
}

} // namespace launchdeck
