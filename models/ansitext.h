// Terminal colour codes in log lines: SGR 0/1/22/39 and the 8 + 8 foreground colours become
// coloured spans; every other escape sequence and control character is dropped.
#pragma once

#include <QColor>
#include <QList>
#include <QString>
#include <QStringView>

namespace launchdeck {

struct AnsiSpan
{
    qsizetype start = 0;
    qsizetype length = 0;
    QColor colour; // invalid: the view's text colour
    bool bold = false;
};

struct AnsiText
{
    QString text; // without escapes
    QList<AnsiSpan> spans;
};

AnsiText parseAnsi(QStringView raw);
QString stripAnsi(QStringView raw);
// The colour of SGR 30 + index (or 90 + index when bright), readable on a light background.
QColor ansiColour(int index, bool bright);

} // namespace launchdeck
