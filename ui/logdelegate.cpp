// Draws text runs with the font's metrics directly: no QTextDocument per line, so scrolling a
// log of millions of lines costs only the visible rows.
#include "logdelegate.h"

#include "ansitext.h"
#include "logmodel.h"

#include <QApplication>
#include <QDateTime>
#include <QPainter>

namespace launchdeck {

LogDelegate::LogDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
{}

QSize LogDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    return QSize(option.rect.width(), option.fontMetrics.height() + 2);
}

void LogDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                        const QModelIndex& index) const
{
    painter->save();
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette& palette = option.palette;
    if (selected)
        painter->fillRect(option.rect, palette.brush(QPalette::Highlight));

    const QFontMetrics& metrics = option.fontMetrics;
    const int baseline = option.rect.top() + 1 + metrics.ascent();
    int x = option.rect.left() + 4;
    const QColor muted = selected ? palette.color(QPalette::HighlightedText)
                                  : palette.color(QPalette::PlaceholderText);
    painter->setFont(option.font);

    if (m_showTimestamps) {
        const qint64 time = index.data(LogModel::TimeRole).toLongLong();
        const QString stamp =
            time > 0 ? QDateTime::fromMSecsSinceEpoch(time).toString(QStringLiteral("HH:mm:ss.zzz"))
                     : QStringLiteral("            ");
        painter->setPen(muted);
        painter->drawText(x, baseline, stamp);
        x += metrics.horizontalAdvance(QStringLiteral("00:00:00.000  "));
    }
    if (m_showSteps) {
        QString step = index.data(LogModel::StepRole).toString();
        if (step.isEmpty())
            step = tr("run");
        const int width = metrics.horizontalAdvance(u'M') * 18;
        painter->setPen(muted);
        painter->drawText(x, baseline, metrics.elidedText(step, Qt::ElideRight, width));
        x += width + metrics.horizontalAdvance(u' ');
    }

    const AnsiText text = parseAnsi(index.data(LogModel::RawTextRole).toString());
    if (!m_highlight.isEmpty() && !selected) {
        for (qsizetype at = text.text.indexOf(m_highlight, 0, Qt::CaseInsensitive); at >= 0;
             at = text.text.indexOf(m_highlight, at + m_highlight.size(), Qt::CaseInsensitive)) {
            const int left = x + metrics.horizontalAdvance(text.text.left(at));
            const int width = metrics.horizontalAdvance(text.text.mid(at, m_highlight.size()));
            painter->fillRect(QRect(left, option.rect.top(), width, option.rect.height()),
                              QColor(0xff, 0xd5, 0x4f, 0xb0));
        }
    }
    // Launchdeck's own notes (attempts, results) are told apart from what the step printed.
    const bool note = index.data(LogModel::NoteRole).toBool();
    const QColor plain =
        note ? muted : palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    QFont bold = option.font;
    bold.setBold(true);
    const QFontMetrics boldMetrics(bold);
    for (const AnsiSpan& span : text.spans) {
        if (x > option.rect.right())
            break;
        const QString part = text.text.mid(span.start, span.length);
        painter->setFont(span.bold ? bold : option.font);
        if (note) {
            QFont italic = painter->font();
            italic.setItalic(true);
            painter->setFont(italic);
        }
        painter->setPen(span.colour.isValid() && !selected ? span.colour : plain);
        painter->drawText(x, baseline, part);
        x += (span.bold ? boldMetrics : metrics).horizontalAdvance(part);
    }
    painter->restore();
}

} // namespace launchdeck
