// libFuzzer entry for the terminal colour decoder of the log views: the input is one log line as
// UTF-8. The spans cover the decoded text exactly, in order, each a change of style; no escape or
// control character but a tab is left; and the plain text the copy and search paths use
// (stripAnsi) is the text the view draws (parseAnsi).
#include "ansitext.h"
#include "fuzzsupport.h"

using launchdeck::fuzz::fail;

namespace {

constexpr const char* kName = "fuzz_ansitext";

QString escaped(const QString& text)
{
    return QString::fromLatin1(text.toUtf8().toPercentEncoding(" "));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QString raw = QString::fromUtf8(launchdeck::fuzz::bytesOf(data, size));
    const launchdeck::AnsiText parsed = launchdeck::parseAnsi(raw);

    if (parsed.text.size() > raw.size())
        fail(kName, QStringLiteral("the decoded text is longer than the line"));
    for (const QChar c : parsed.text) {
        if (c.unicode() < 0x20 && c != u'\t')
            fail(kName, QStringLiteral("control character %1 left in '%2'")
                            .arg(c.unicode())
                            .arg(escaped(parsed.text)));
    }
    qsizetype next = 0;
    for (qsizetype i = 0; i < parsed.spans.size(); ++i) {
        const launchdeck::AnsiSpan& span = parsed.spans.at(i);
        if (span.start != next || span.length <= 0)
            fail(kName, QStringLiteral("span %1 is [%2, +%3), expected to start at %4")
                            .arg(i)
                            .arg(span.start)
                            .arg(span.length)
                            .arg(next));
        if (i > 0 && parsed.spans.at(i - 1).colour == span.colour &&
            parsed.spans.at(i - 1).bold == span.bold)
            fail(kName, QStringLiteral("spans %1 and %2 have the same style").arg(i - 1).arg(i));
        next += span.length;
    }
    if (next != parsed.text.size())
        fail(kName, QStringLiteral("the spans cover %1 of %2 characters")
                        .arg(next)
                        .arg(parsed.text.size()));
    const QString stripped = launchdeck::stripAnsi(raw);
    if (stripped != parsed.text)
        fail(kName, QStringLiteral("stripAnsi gives '%1', parseAnsi '%2'")
                        .arg(escaped(stripped), escaped(parsed.text)));
    return 0;
}
