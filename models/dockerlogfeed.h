// Docker log lines on their way into LogModel: stdout and stderr become the "steps" of the
// batch, secrets are masked, and the point to resume from after a broken stream is kept.
#pragma once

#include "docker/dockertypes.h"
#include "pipeline/logbatch.h"
#include "pipeline/secretmasker.h"

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>
#include <QStringView>

namespace launchdeck {

class DockerLogFeed final
{
public:
    static constexpr QByteArrayView kMask = "******";
    // Longer lines are cut into continuation entries, as the view draws one row per entry.
    static constexpr qsizetype kMaxLineBytes = 16 * 1024;
    // Values this short are not masked automatically: they would blank ordinary words and
    // numbers all over the log while hiding next to nothing.
    static constexpr qsizetype kMinSecretLength = 4;

    // The step a line of `stream` carries in LogModel: "stdout", "stderr" or "daemon".
    static QString stepOf(DockerLogStream stream);
    static QString stdoutStep() { return QStringLiteral("stdout"); }
    static QString stderrStep() { return QStringLiteral("stderr"); }
    // Whether an environment variable's name suggests its value is a secret.
    static bool looksSecret(QStringView name);
    // The values of the inspected container's Config.Env whose names look secret.
    static QStringList secretValues(const QJsonObject& inspect);

    // Replaces the values masked from now on.
    void setMaskedValues(const QStringList& values);
    const QStringList& maskedValues() const { return m_maskedValues; }

    // One batch of the stream as LogModel chunks: consecutive lines of a stream share a chunk,
    // and lines at or before the resume point are dropped.
    LogBatch convert(const QList<DockerLogLine>& lines);

    // Forgets the lines seen, for a stream that starts from the tail again.
    void restart();
    // Whether a stream reopened after a break can skip what was shown by time: only when the
    // lines carry timestamps.
    bool canResume() const { return m_lastTime.isValid(); }
    // The next lines repeat the end of what was shown: drop them up to the last line seen.
    void resumeAfterLastLine();
    bool isResuming() const { return m_resumeTime.isValid(); }
    // Lines converted since restart(), dropped repeats not counted.
    qint64 lineCount() const { return m_nextNumber - 1; }

private:
    bool isRepeat(const DockerLogLine& line);
    void noteSeen(const QDateTime& time);

    QStringList m_maskedValues;
    SecretMasker m_masker{kMask};
    qint64 m_nextNumber = 1;
    // The newest time seen and how many lines carried exactly it (times are cut to ms).
    QDateTime m_lastTime;
    int m_countAtLast = 0;
    // While resuming: lines before this time, and the first m_resumeSkip at it, are repeats.
    QDateTime m_resumeTime;
    int m_resumeSkip = 0;
};

} // namespace launchdeck
