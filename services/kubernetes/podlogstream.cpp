// Pod log streams: the request as kubectl logs makes it, the chunked answer cut into timestamped
// lines, and the repeats of a resumed stream dropped by time, text and count.
#include "kubernetes/podlogstream.h"

#include "kubernetes/kubeclient.h"

#include <QDate>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <utility>

namespace launchdeck::kube {

namespace {

Q_LOGGING_CATEGORY(lcPodLogs, "launchdeck.kubernetes.logs", QtInfoMsg)

constexpr qint64 kNanosPerSecond = 1'000'000'000;
constexpr qint64 kNanosPerMilli = 1'000'000;
// A line longer than this without a line break is handed over as it stands, so that a
// container writing without newlines cannot grow the buffer without bound.
constexpr qsizetype kMaxPendingBytes = 4 * 1024 * 1024;
// The most of the server's text an error message carries.
constexpr qsizetype kMaxMessage = 300;

qint64 floorDiv(qint64 value, qint64 divisor)
{
    const qint64 quotient = value / divisor;
    return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

// Reads `count` digits at `at` as a number; -1 when one is not a digit.
int digits(QStringView text, qsizetype at, int count)
{
    if (at + count > text.size())
        return -1;
    int value = 0;
    for (int i = 0; i < count; ++i) {
        const QChar c = text[at + i];
        if (c < u'0' || c > u'9')
            return -1;
        value = value * 10 + (c.unicode() - u'0');
    }
    return value;
}

// Drops the lines a resumed stream repeats: everything older than the position's time, then,
// at exactly that time, the lines read before, in order; the first line that differs ends it.
// Knowing only the last line (not `exact`), every line at its time up to the first with its
// text is taken for a repeat.
class RepeatFilter final
{
public:
    RepeatFilter(const PodLogPosition* position, bool exact)
        : m_exact(exact)
    {
        if (position && position->isValid()) {
            m_active = true;
            m_timeNs = position->timeNs;
            m_texts = position->textsAtTime;
        }
    }

    bool isRepeat(const PodLogLine& line)
    {
        if (!m_active)
            return false;
        qint64 ns = 0;
        if (!parseRfc3339Nano(line.timeText, &ns))
            return false; // nothing to compare: shown, and the next timed line decides
        if (ns < m_timeNs)
            return true;
        if (ns == m_timeNs && !m_texts.isEmpty()) {
            if (!m_exact) {
                m_active = line.text != m_texts.constLast();
                return true;
            }
            if (m_next < m_texts.size() && m_texts[m_next] == line.text) {
                m_active = ++m_next < m_texts.size();
                return true;
            }
        }
        m_active = false;
        return false;
    }

private:
    bool m_exact;
    bool m_active = false;
    qint64 m_timeNs = 0;
    QStringList m_texts;
    qsizetype m_next = 0;
};

// Cuts the chunks of the answer into lines, keeping a partial line until its end arrives.
class LineSplitter final
{
public:
    void add(QByteArrayView chunk, QList<QByteArray>* lines)
    {
        m_pending.append(chunk);
        qsizetype start = 0;
        for (;;) {
            const qsizetype end = m_pending.indexOf('\n', start);
            if (end < 0)
                break;
            lines->append(m_pending.mid(start, end - start));
            start = end + 1;
        }
        m_pending.remove(0, start);
        if (m_pending.size() > kMaxPendingBytes) {
            lines->append(m_pending);
            m_pending.clear();
        }
    }

    // The last line when the answer ended without a line break.
    void finish(QList<QByteArray>* lines)
    {
        if (!m_pending.isEmpty())
            lines->append(std::exchange(m_pending, {}));
    }

private:
    QByteArray m_pending;
};

QString serverMessage(const KubeAnswer& answer)
{
    const QJsonObject status = QJsonDocument::fromJson(answer.body).object();
    QString message = status.value(QLatin1String("message")).toString().trimmed();
    if (message.isEmpty())
        return answer.error;
    if (message.size() > kMaxMessage)
        message = message.left(kMaxMessage) + u'…';
    return message;
}

QString pathSegment(const QString& value)
{
    return QString::fromLatin1(value.toUtf8().toPercentEncoding());
}

} // namespace

bool parseRfc3339Nano(QStringView text, qint64* nanoseconds)
{
    // 2026-12-06T10:00:00[.fraction](Z|+hh:mm|-hh:mm)
    if (text.size() < 20 || text[4] != u'-' || text[7] != u'-' ||
        (text[10] != u'T' && text[10] != u't') || text[13] != u':' || text[16] != u':')
        return false;
    const int year = digits(text, 0, 4);
    const int month = digits(text, 5, 2);
    const int day = digits(text, 8, 2);
    const int hour = digits(text, 11, 2);
    const int minute = digits(text, 14, 2);
    const int second = digits(text, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
        second < 0 || second > 60)
        return false;
    const QDate date(year, month, day);
    if (!date.isValid())
        return false;
    qsizetype at = 19;
    qint64 fraction = 0;
    if (at < text.size() && text[at] == u'.') {
        ++at;
        int count = 0;
        while (at < text.size() && text[at] >= u'0' && text[at] <= u'9') {
            if (count < 9) {
                fraction = fraction * 10 + (text[at].unicode() - u'0');
                ++count;
            }
            ++at;
        }
        if (count == 0)
            return false;
        for (; count < 9; ++count)
            fraction *= 10;
    }
    qint64 offsetSeconds = 0;
    if (at + 1 == text.size() && (text[at] == u'Z' || text[at] == u'z')) {
        ++at;
    } else if (at + 6 == text.size() && (text[at] == u'+' || text[at] == u'-') &&
               text[at + 3] == u':') {
        const int offsetHours = digits(text, at + 1, 2);
        const int offsetMinutes = digits(text, at + 4, 2);
        if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59)
            return false;
        offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (text[at] == u'-' ? -1 : 1);
        at += 6;
    } else {
        return false;
    }
    constexpr qint64 kUnixEpochJulianDay = 2'440'588;
    const qint64 seconds = (date.toJulianDay() - kUnixEpochJulianDay) * 86'400 + hour * 3600 +
                           minute * 60 + second - offsetSeconds;
    *nanoseconds = seconds * kNanosPerSecond + fraction;
    return true;
}

bool parseTimestampedLine(QByteArrayView line, PodLogLine* out)
{
    if (line.endsWith('\r'))
        line.chop(1);
    const qsizetype space = line.indexOf(' ');
    const QByteArrayView stamp = space < 0 ? line : line.first(space);
    const QString timeText = QString::fromLatin1(stamp);
    qint64 ns = 0;
    if (stamp.isEmpty() || !parseRfc3339Nano(timeText, &ns)) {
        out->time = QDateTime();
        out->timeText.clear();
        out->text = QString::fromUtf8(line);
        return false;
    }
    out->time = QDateTime::fromMSecsSinceEpoch(floorDiv(ns, kNanosPerMilli), Qt::UTC);
    out->timeText = timeText;
    out->text = space < 0 ? QString() : QString::fromUtf8(line.sliced(space + 1));
    return true;
}

void PodLogPosition::advance(const PodLogLine& line)
{
    qint64 ns = 0;
    if (!parseRfc3339Nano(line.timeText, &ns))
        return;
    if (isValid() && ns == timeNs) {
        textsAtTime.append(line.text);
    } else if (!isValid() || ns > timeNs) {
        timeText = line.timeText;
        timeNs = ns;
        textsAtTime = {line.text};
    }
}

QString podLogPath(const PodLogRequest& request, const QString& pod, const PodLogPosition* resume)
{
    QString path = u"/api/v1/namespaces/" + pathSegment(request.nameSpace) + u"/pods/" +
                   pathSegment(pod) + u"/log?timestamps=true";
    if (request.follow)
        path += u"&follow=true";
    if (request.previous)
        path += u"&previous=true";
    if (!request.container.isEmpty())
        path += u"&container=" + queryValue(request.container);
    if (resume && resume->isValid()) {
        // The API server hands sinceTime on to the kubelet in whole seconds, so the lines of
        // that second come again whatever is asked: the repeats are dropped here.
        const QDateTime since =
            QDateTime::fromSecsSinceEpoch(floorDiv(resume->timeNs, kNanosPerSecond), Qt::UTC);
        path += u"&sinceTime=" + queryValue(since.toString(Qt::ISODate));
        return path;
    }
    if (request.tailLines >= 0)
        path += u"&tailLines=" + QString::number(request.tailLines);
    if (request.sinceSeconds > 0)
        path += u"&sinceSeconds=" + QString::number(request.sinceSeconds);
    return path;
}

namespace {

PodLogEnd streamFrom(KubeClient& client, const PodLogRequest& request, const QString& pod,
                     PodLogPosition* position, bool exact,
                     const std::function<void(const QList<PodLogLine>&)>& onLines,
                     const std::atomic_bool* cancel)
{
    const auto cancelled = [cancel] {
        return cancel && cancel->load();
    };
    RepeatFilter repeats(position, exact);
    LineSplitter splitter;
    const auto deliver = [&](const QList<QByteArray>& raw) {
        QList<PodLogLine> lines;
        lines.reserve(raw.size());
        for (const QByteArray& bytes : raw) {
            PodLogLine line;
            line.pod = pod;
            line.container = request.container;
            parseTimestampedLine(bytes, &line);
            if (repeats.isRepeat(line))
                continue;
            if (position)
                position->advance(line);
            lines.append(std::move(line));
        }
        if (!lines.isEmpty())
            onLines(lines);
    };

    const QString path = podLogPath(request, pod, position);
    StreamControl control;
    control.cancel = cancel;
    const KubeAnswer answer = client.stream(
        path,
        [&](QByteArrayView chunk) {
            QList<QByteArray> raw;
            splitter.add(chunk, &raw);
            deliver(raw);
            return !cancelled();
        },
        control);

    PodLogEnd end;
    if (cancelled()) {
        end.cancelled = true;
        return end;
    }
    if (answer.ok()) {
        // The log's last line, when it ends without a line break. A connection that broke
        // mid-line leaves it to the resumed stream, which sends it whole.
        QList<QByteArray> raw;
        splitter.finish(&raw);
        deliver(raw);
        return end;
    }
    // A 400 is the server telling the user what to choose ("a container name must be specified
    // for pod web-1, choose one of: [app sidecar]"): its words alone. Other failures keep the
    // client's sentence with the status and the cluster.
    end.error = answer.status == 400 ? serverMessage(answer) : answer.error;
    // A broken connection resumes; anything the server answered stands.
    end.unreachable = answer.unreachable;
    qCInfo(lcPodLogs).noquote() << "log of pod" << request.nameSpace + u'/' + pod
                                << "ended:" << end.error;
    return end;
}

} // namespace

PodLogEnd streamPodLog(KubeClient& client, const PodLogRequest& request, const QString& pod,
                       PodLogPosition* position,
                       const std::function<void(const QList<PodLogLine>&)>& onLines,
                       const std::atomic_bool* cancel)
{
    return streamFrom(client, request, pod, position, true, onLines, cancel);
}

PodLogEnd streamPodLog(KubeClient& client, const PodLogRequest& request, const QString& pod,
                       const PodLogLine* resumeAfter,
                       const std::function<void(const QList<PodLogLine>&)>& onLines,
                       const std::atomic_bool* cancel)
{
    PodLogPosition position;
    if (resumeAfter)
        position.advance(*resumeAfter);
    return streamFrom(client, request, pod, &position, false, onLines, cancel);
}

} // namespace launchdeck::kube
