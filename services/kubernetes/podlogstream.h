// Pod logs as `kubectl logs` reads them (follow, previous, container, tail, since,
// timestamps), for one or several pods merged, each line tagged with its pod. Lines always
// come with the server's timestamp, so a stream broken by a reconnect resumes from the last
// line seen (sinceTime) and drops the repeats.
#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <atomic>
#include <functional>

namespace launchdeck::kube {

class KubeClient;

struct PodLogRequest
{
    QString nameSpace;
    QStringList pods;  // one or more: several are merged, each line tagged with its pod
    QString container; // empty: the pod's only container (or its default-container annotation)
    bool follow = true;
    bool previous = false; // the previous, terminated container
    int tailLines = 1000;  // -1: all
    int sinceSeconds = 0;  // 0: from the start (as limited by tailLines)
};

struct PodLogLine
{
    QString pod;
    QString container;
    QDateTime time;   // the server's timestamp (RFC 3339 with nanoseconds, kept to ms)
    QString timeText; // as the server wrote it, for exact de-duplication
    QString text;     // without the timestamp and the line break
};

struct PodLogEnd
{
    bool cancelled = false;
    bool unreachable = false; // a reconnect resumes it
    QString error;            // the server's message ("container … is waiting to start")
};

// How far one pod's stream has been read, kept by the caller across reconnects: the newest
// line's time and every line read at exactly that time, in order. Lines written together often
// share one timestamp, and a resumed stream repeats all of them; identical lines among them are
// told apart by their count.
struct PodLogPosition
{
    QString timeText;        // as the server wrote it; empty: nothing read yet
    qint64 timeNs = 0;       // nanoseconds since the epoch
    QStringList textsAtTime; // the lines read at exactly timeNs
    bool isValid() const { return !timeText.isEmpty(); }
    // Notes a line handed over; a line without a time, or older than the newest, changes nothing.
    void advance(const PodLogLine& line);
};

// One pod's stream, blocking until it ends, fails or `cancel` is set. `resumeAfter` (the last
// line seen: time and text) continues after it instead of honouring tailLines/sinceSeconds.
PodLogEnd streamPodLog(KubeClient& client, const PodLogRequest& request, const QString& pod,
                       const PodLogLine* resumeAfter,
                       const std::function<void(const QList<PodLogLine>&)>& onLines,
                       const std::atomic_bool* cancel);
// The same, resuming from `position` when it is valid (and exact when several lines share the
// last time), and advancing it with every line handed over: the caller keeps one per pod.
PodLogEnd streamPodLog(KubeClient& client, const PodLogRequest& request, const QString& pod,
                       PodLogPosition* position,
                       const std::function<void(const QList<PodLogLine>&)>& onLines,
                       const std::atomic_bool* cancel);

// The request's path and query: timestamps always; sinceTime (whole seconds, as the API
// server passes it on to the kubelet) instead of tailLines and sinceSeconds when `resume` is
// valid.
QString podLogPath(const PodLogRequest& request, const QString& pod,
                   const PodLogPosition* resume = nullptr);

// Splits "2026-12-06T10:00:00.123456789Z text" into time, timeText and text (a trailing CR
// dropped); false, with the whole line as text and no time, when it starts with no time.
bool parseTimestampedLine(QByteArrayView line, PodLogLine* out);
// An RFC 3339 time (any number of fraction digits, Z or an offset) as nanoseconds since the
// epoch; false when `text` is not one.
bool parseRfc3339Nano(QStringView text, qint64* nanoseconds);

} // namespace launchdeck::kube

Q_DECLARE_METATYPE(launchdeck::kube::PodLogLine)
