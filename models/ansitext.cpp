// A small escape-sequence scanner: enough of ECMA-48 to skip what it does not draw.
#include "ansitext.h"

#include <algorithm>

namespace launchdeck {

namespace {

constexpr char16_t kEscape = 0x1b;
constexpr char16_t kBell = 0x07;

struct Style
{
    QColor colour;
    bool bold = false;
    bool operator==(const Style&) const = default;
};

void applySgr(QStringView params, Style& style)
{
    if (params.isEmpty()) {
        style = {};
        return;
    }
    for (const QStringView part : params.split(u';')) {
        bool ok = false;
        const int code = part.isEmpty() ? 0 : part.toInt(&ok);
        if (!part.isEmpty() && !ok)
            continue;
        if (code == 0)
            style = {};
        else if (code == 1)
            style.bold = true;
        else if (code == 22)
            style.bold = false;
        else if (code == 39)
            style.colour = QColor();
        else if (code >= 30 && code <= 37)
            style.colour = ansiColour(code - 30, false);
        else if (code >= 90 && code <= 97)
            style.colour = ansiColour(code - 90, true);
    }
}

// Returns the index just past the escape sequence starting at `i` (raw[i] is ESC); a CSI
// sequence ending in 'm' is handed to `sgr`.
template <typename Sgr> qsizetype skipEscape(QStringView raw, qsizetype i, Sgr sgr)
{
    const qsizetype n = raw.size();
    if (i + 1 >= n)
        return n;
    const char16_t kind = raw[i + 1].unicode();
    if (kind == u'[') {
        qsizetype j = i + 2;
        while (j < n && (raw[j].unicode() < 0x40 || raw[j].unicode() > 0x7e))
            ++j;
        if (j < n && raw[j] == u'm')
            sgr(raw.sliced(i + 2, j - i - 2));
        return std::min(j + 1, n);
    }
    if (kind == u']' || kind == u'P' || kind == u'_' || kind == u'^') {
        // String commands end with BEL or ESC backslash.
        for (qsizetype j = i + 2; j < n; ++j) {
            if (raw[j] == kBell)
                return j + 1;
            if (raw[j] == kEscape && j + 1 < n && raw[j + 1] == u'\\')
                return j + 2;
        }
        return n;
    }
    return i + 2;
}

} // namespace

AnsiText parseAnsi(QStringView raw)
{
    AnsiText out;
    out.text.reserve(raw.size());
    Style style;
    auto push = [&](QChar c) {
        if (out.spans.isEmpty() || out.spans.last().colour != style.colour ||
            out.spans.last().bold != style.bold)
            out.spans.append({out.text.size(), 0, style.colour, style.bold});
        out.text.append(c);
        ++out.spans.last().length;
    };
    for (qsizetype i = 0; i < raw.size();) {
        const QChar c = raw[i];
        if (c == kEscape) {
            i = skipEscape(raw, i, [&](QStringView params) { applySgr(params, style); });
            continue;
        }
        if (c == u'\t' || c.unicode() >= 0x20)
            push(c);
        ++i;
    }
    return out;
}

QString stripAnsi(QStringView raw)
{
    // The usual line has no escape and no control character: returned as it is. Anything less
    // than a space but a tab is dropped below, as parseAnsi drops it, so that the text copied or
    // searched is the text drawn.
    if (std::none_of(raw.begin(), raw.end(),
                     [](QChar c) { return c.unicode() < 0x20 && c != u'\t'; }))
        return raw.toString();
    QString out;
    out.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size();) {
        const QChar c = raw[i];
        if (c == kEscape) {
            i = skipEscape(raw, i, [](QStringView) {});
            continue;
        }
        if (c == u'\t' || c.unicode() >= 0x20)
            out.append(c);
        ++i;
    }
    return out;
}

QColor ansiColour(int index, bool bright)
{
    // Darker than xterm's defaults so yellow and cyan stay readable on white.
    static const QColor normal[8] = {QColor(0x1e, 0x1e, 0x1e), QColor(0xc0, 0x1c, 0x28),
                                     QColor(0x26, 0x8a, 0x2e), QColor(0xa3, 0x6a, 0x00),
                                     QColor(0x12, 0x48, 0xb8), QColor(0x9b, 0x2d, 0xa8),
                                     QColor(0x0b, 0x7f, 0x8c), QColor(0x8a, 0x8a, 0x8a)};
    static const QColor light[8] = {QColor(0x5e, 0x5e, 0x5e), QColor(0xe0, 0x3a, 0x3a),
                                    QColor(0x3a, 0xa8, 0x44), QColor(0xc9, 0x8e, 0x00),
                                    QColor(0x2f, 0x6f, 0xe0), QColor(0xc0, 0x4c, 0xd0),
                                    QColor(0x14, 0xa0, 0xb0), QColor(0xb0, 0xb0, 0xb0)};
    const int i = std::clamp(index, 0, 7);
    return bright ? light[i] : normal[i];
}

} // namespace launchdeck
