// Kubernetes pod log lines on their way into LogModel: each pod is a "step" of the batch, so the
// lines of several pods merged keep their pod, and secrets are masked before anything is shown.
#pragma once

#include "kubernetes/podlogstream.h"
#include "pipeline/logbatch.h"
#include "pipeline/secretmasker.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace launchdeck {

class PodLogFeed final
{
public:
    static constexpr QByteArrayView kMask = "******";
    // Longer lines are cut into continuation entries, as the view draws one row per entry.
    static constexpr qsizetype kMaxLineBytes = 16 * 1024;
    // Values this short are not masked: they would blank ordinary words and numbers all over
    // the log while hiding next to nothing.
    static constexpr qsizetype kMinSecretLength = 4;

    // The values to mask for `pod` (a Pod as the API server serves it): its containers'
    // environment values whose names look secret (as for Docker containers), and every value of
    // those `secrets` (Secrets as served, data in base64) that the pod references through env
    // valueFrom, envFrom or a volume.
    static QStringList secretValues(const QJsonObject& pod, const QList<QJsonObject>& secrets = {});
    // The names of the Secrets `pod` references, for a caller that may read them.
    static QStringList referencedSecrets(const QJsonObject& pod);
    // The container names of `pod`, in the order of its spec (init containers not included).
    static QStringList containerNames(const QJsonObject& pod);

    // Replaces the values masked from now on.
    void setMaskedValues(const QStringList& values);
    const QStringList& maskedValues() const { return m_maskedValues; }

    // One batch of merged streams as LogModel chunks: consecutive lines of a pod share a chunk,
    // numbered per pod, with the server's time of each line.
    LogBatch convert(const QList<kube::PodLogLine>& lines);
    // Numbers from 1 again, for a stream read anew.
    void restart() { m_nextNumber.clear(); }
    // Lines converted for `pod` since restart().
    qint64 lineCount(const QString& pod) const { return m_nextNumber.value(pod, 1) - 1; }

private:
    QStringList m_maskedValues;
    SecretMasker m_masker{kMask};
    QHash<QString, qint64> m_nextNumber;
};

} // namespace launchdeck
