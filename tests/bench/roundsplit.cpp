// The split of a replacement's wall time for bench_deploy: interval arithmetic over the job's
// events and the Docker calls the relay timed.
#include "roundsplit.h"

#include <QRegularExpression>
#include <QSet>
#include <QStringList>
#include <QTextStream>

#include <algorithm>
#include <functional>
#include <limits>

namespace launchdeck::bench {

qint64 eventUs(const deploy::DeploymentEvent& event)
{
    return event.at.toMSecsSinceEpoch() * 1000;
}

bool isRequiredKind(const QString& k)
{
    return k == u"create" || k == u"start" || k == u"stop" || k == u"kill" || k == u"remove";
}

namespace {

bool isRequired(const test::DockerCall& call)
{
    return isRequiredKind(call.kind());
}

} // namespace

qint64 coveredUs(std::vector<Span> spans, const std::vector<Span>& excluded)
{
    std::vector<Span> pieces;
    for (const Span& span : spans) {
        std::vector<Span> parts{span};
        for (const Span& cut : excluded) {
            std::vector<Span> next;
            for (const Span& part : parts) {
                if (cut.second <= part.first || cut.first >= part.second) {
                    next.push_back(part);
                    continue;
                }
                if (part.first < cut.first)
                    next.emplace_back(part.first, cut.first);
                if (cut.second < part.second)
                    next.emplace_back(cut.second, part.second);
            }
            parts = next;
        }
        pieces.insert(pieces.end(), parts.begin(), parts.end());
    }
    std::sort(pieces.begin(), pieces.end());
    qint64 total = 0;
    qint64 reach = std::numeric_limits<qint64>::min();
    for (const Span& piece : pieces) {
        const qint64 from = std::max(piece.first, reach);
        if (piece.second > from)
            total += piece.second - from;
        reach = std::max(reach, piece.second);
    }
    return total;
}

std::vector<Span> healthWindows(const QList<deploy::DeploymentEvent>& events)
{
    QMap<QString, qint64> started;
    std::vector<Span> windows;
    static const QRegularExpression startedLine(QStringLiteral("^started (\\S+)"));
    static const QRegularExpression healthyLine(QStringLiteral("^(\\S+) is healthy$"));
    for (const deploy::DeploymentEvent& event : events) {
        if (const auto match = startedLine.match(event.text); match.hasMatch())
            started.insert(match.captured(1), eventUs(event));
        if (const auto match = healthyLine.match(event.text);
            match.hasMatch() && started.contains(match.captured(1)))
            windows.emplace_back(started.value(match.captured(1)), eventUs(event));
    }
    return windows;
}

double ms(qint64 us)
{
    return double(us) / 1000.0;
}

RoundSplit splitRound(qint64 beginUs, qint64 endUs, const QList<test::DockerCall>& calls,
                      const std::vector<Span>& health)
{
    RoundSplit split;
    split.total = ms(endUs - beginUs);
    split.health = ms(coveredUs(health));
    std::vector<Span> required;
    std::vector<Span> other;
    for (const test::DockerCall& call : calls) {
        (isRequired(call) ? required : other).emplace_back(call.startUs, call.endUs);
        auto& row = split.perKind[call.kind()];
        ++row.first;
        row.second += ms(call.durationUs());
    }
    split.required = ms(coveredUs(required, health));
    std::vector<Span> outside = health;
    outside.insert(outside.end(), required.begin(), required.end());
    split.otherCalls = ms(coveredUs(other, outside));
    split.inProcess = split.overhead() - split.required - split.otherCalls;
    qint64 gapBegin = std::numeric_limits<qint64>::max();
    qint64 gapEnd = 0;
    for (const test::DockerCall& call : calls) {
        const QString kind = call.kind();
        if (kind == u"stop" || kind == u"kill" || kind == u"remove")
            gapBegin = std::min(gapBegin, call.startUs);
        if (kind == u"start")
            gapEnd = std::max(gapEnd, call.endUs);
    }
    if (gapEnd > gapBegin)
        split.gap = ms(gapEnd - gapBegin);
    return split;
}

double percentile(std::vector<double> values, double share)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(share * double(values.size())))];
}

void printSplit(QTextStream& out, const QString& label, const RoundSplit& split)
{
    out << QStringLiteral("  %1: total %2 ms, health wait %3 ms, overhead %4 ms = required calls "
                          "%5 ms + console's own %6 ms (other Docker calls %7 ms, in-process "
                          "%8 ms)\n")
               .arg(label)
               .arg(split.total, 0, 'f', 0)
               .arg(split.health, 0, 'f', 0)
               .arg(split.overhead(), 0, 'f', 0)
               .arg(split.required, 0, 'f', 0)
               .arg(split.consoleOwn(), 0, 'f', 0)
               .arg(split.otherCalls, 0, 'f', 0)
               .arg(split.inProcess, 0, 'f', 0);
}

void printMedians(QTextStream& out, const QString& label, const std::vector<RoundSplit>& rounds,
                  const QStringList& failures)
{
    const auto p50 = [&](const std::function<double(const RoundSplit&)>& figure) {
        std::vector<double> values;
        for (const RoundSplit& round : rounds)
            values.push_back(figure(round));
        return percentile(values, 0.5);
    };
    RoundSplit median;
    median.total = p50([](const RoundSplit& r) { return r.total; });
    median.health = p50([](const RoundSplit& r) { return r.health; });
    median.required = p50([](const RoundSplit& r) { return r.required; });
    median.otherCalls = p50([](const RoundSplit& r) { return r.otherCalls; });
    median.inProcess = p50([](const RoundSplit& r) { return r.inProcess; });
    median.gap = p50([](const RoundSplit& r) { return r.gap; });
    QStringList reasons = failures;
    reasons.removeDuplicates();
    out << QStringLiteral("%1 p50 over %2 rounds%3: total %4 ms, health wait %5 ms, overhead %6 "
                          "ms\n")
               .arg(label)
               .arg(rounds.size())
               .arg(failures.isEmpty() ? QString()
                                       : QStringLiteral(" (%1 failed, left out: %2)")
                                             .arg(failures.size())
                                             .arg(reasons.join(QStringLiteral("; "))))
               .arg(median.total, 0, 'f', 0)
               .arg(median.health, 0, 'f', 0)
               .arg(p50([](const RoundSplit& r) { return r.overhead(); }), 0, 'f', 0);
    out << QStringLiteral("  daemon time of the required calls %1 ms; console's own %2 ms "
                          "(other Docker calls %3 ms, in-process %4 ms)\n")
               .arg(median.required, 0, 'f', 0)
               .arg(p50([](const RoundSplit& r) { return r.consoleOwn(); }), 0, 'f', 0)
               .arg(median.otherCalls, 0, 'f', 0)
               .arg(median.inProcess, 0, 'f', 0);
    out << QStringLiteral("  the gap (old one's stop asked → new one's start answered, before "
                          "its health): %1 ms\n")
               .arg(median.gap, 0, 'f', 0);
    QSet<QString> kinds;
    for (const RoundSplit& round : rounds) {
        for (auto it = round.perKind.begin(); it != round.perKind.end(); ++it)
            kinds.insert(it.key());
    }
    QStringList sorted(kinds.begin(), kinds.end());
    sorted.sort();
    for (const QString& kind : sorted) {
        std::vector<double> counts;
        std::vector<double> times;
        for (const RoundSplit& round : rounds) {
            const auto row = round.perKind.value(kind, {0, 0.0});
            counts.push_back(row.first);
            times.push_back(row.second);
        }
        out << QStringLiteral("    %1 %2 × per round, p50 %3 ms in all%4\n")
                   .arg(kind, -20)
                   .arg(percentile(counts, 0.5), 0, 'f', 0)
                   .arg(percentile(times, 0.5), 7, 'f', 1)
                   .arg(isRequiredKind(kind) ? QStringLiteral(" (required)") : QString());
    }
}

} // namespace launchdeck::bench
