// The YAML editor's gutter, underlines, tooltips and indentation behaviour.
#include "yamleditor.h"

#include "diagnosticsmodel.h"

#include <QFontDatabase>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>
#include <QToolTip>

#include <algorithm>

namespace launchdeck {

class LineNumberGutter final : public QWidget
{
public:
    explicit LineNumberGutter(YamlEditor* editor)
        : QWidget(editor)
        , m_editor(editor)
    {}
    QSize sizeHint() const override { return {m_editor->gutterWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent* event) override { m_editor->paintGutter(event); }

private:
    YamlEditor* m_editor;
};

namespace {

bool endsToken(QChar c)
{
    return c.isSpace() || c == u',' || c == u']' || c == u'}' || c == u'#';
}

} // namespace

YamlEditor::YamlEditor(QWidget* parent)
    : QPlainTextEdit(parent)
    , m_gutter(new LineNumberGutter(this))
{
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setStyleHint(QFont::Monospace);
    setFont(font);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabStopDistance(fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 2);
    setMouseTracking(true);

    connect(this, &QPlainTextEdit::blockCountChanged, this, &YamlEditor::updateGutterWidth);
    connect(this, &QPlainTextEdit::updateRequest, this, &YamlEditor::updateGutter);
    connect(this, &QPlainTextEdit::cursorPositionChanged, this, &YamlEditor::refreshSelections);
    updateGutterWidth();
    refreshSelections();
}

int YamlEditor::gutterWidth() const
{
    const int digits = int(QString::number(std::max(1, blockCount())).size());
    const int markWidth = fontMetrics().height() / 2 + 6;
    return 12 + markWidth + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(3, digits);
}

void YamlEditor::updateGutterWidth()
{
    setViewportMargins(gutterWidth(), 0, 0, 0);
}

void YamlEditor::updateGutter(const QRect& rect, int dy)
{
    if (dy != 0)
        m_gutter->scroll(0, dy);
    else
        m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
}

void YamlEditor::resizeEvent(QResizeEvent* event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect area = contentsRect();
    m_gutter->setGeometry(QRect(area.left(), area.top(), gutterWidth(), area.height()));
}

void YamlEditor::changeEvent(QEvent* event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) {
        updateGutterWidth();
        refreshSelections();
    }
}

void YamlEditor::paintGutter(QPaintEvent* event)
{
    QPainter painter(m_gutter);
    const QPalette pal = palette();
    painter.fillRect(event->rect(), pal.color(QPalette::Window));
    painter.setPen(pal.color(QPalette::Mid));
    painter.drawLine(m_gutter->width() - 1, event->rect().top(), m_gutter->width() - 1,
                     event->rect().bottom());

    const int current = textCursor().blockNumber();
    const int lineHeight = fontMetrics().height();
    const int markSize = lineHeight / 2;
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    while (block.isValid() && top <= event->rect().bottom()) {
        const int bottom = top + qRound(blockBoundingRect(block).height());
        if (block.isVisible() && bottom >= event->rect().top()) {
            const int number = block.blockNumber();
            const auto worst = m_worstByBlock.constFind(number);
            if (worst != m_worstByBlock.constEnd()) {
                painter.setRenderHint(QPainter::Antialiasing);
                painter.setPen(Qt::NoPen);
                painter.setBrush(DiagnosticsModel::severityColor(*worst));
                painter.drawEllipse(
                    QRect(4, top + (lineHeight - markSize) / 2, markSize, markSize));
            }
            const QColor ink = number == current ? pal.color(QPalette::WindowText)
                                                 : pal.color(QPalette::Disabled, QPalette::Text);
            painter.setPen(ink);
            painter.drawText(0, top, m_gutter->width() - 8, lineHeight, Qt::AlignRight,
                             QString::number(number + 1));
        }
        block = block.next();
        top = bottom;
    }
}

QTextCursor YamlEditor::tokenRange(const Diagnostic& diagnostic) const
{
    const QTextBlock block = document()->findBlockByNumber(std::max(0, diagnostic.line - 1));
    if (!block.isValid())
        return {};
    const QString text = block.text();
    QTextCursor cursor(document());
    if (diagnostic.column <= 0) {
        // A finding about the whole line: underline what is written on it.
        qsizetype first = 0;
        while (first < text.size() && text.at(first).isSpace())
            ++first;
        if (first == text.size())
            first = 0;
        cursor.setPosition(block.position() + int(first));
        cursor.setPosition(block.position() + int(text.size()), QTextCursor::KeepAnchor);
        return cursor;
    }
    qsizetype start = std::min<qsizetype>(diagnostic.column - 1, text.size());
    qsizetype end = start;
    // A quoted scalar ends at its closing quote; anything else at the next separator.
    if (end < text.size() && (text.at(end) == u'"' || text.at(end) == u'\'')) {
        const qsizetype close = text.indexOf(text.at(end), end + 1);
        end = close < 0 ? text.size() : close + 1;
    } else {
        while (end < text.size() && !endsToken(text.at(end)))
            ++end;
        // A key: include it, not its colon, which endsToken does not stop at.
        if (end > start && text.at(end - 1) == u':')
            --end;
    }
    if (end == start) {
        // Nothing to underline at the column (end of line): mark the character before it.
        if (start > 0)
            --start;
        else if (!text.isEmpty())
            end = 1;
        if (end == start)
            end = start + (text.isEmpty() ? 0 : 1);
    }
    cursor.setPosition(block.position() + int(start));
    cursor.setPosition(block.position() + int(end), QTextCursor::KeepAnchor);
    return cursor;
}

void YamlEditor::setDiagnostics(const Diagnostics& diagnostics)
{
    m_findings.clear();
    m_worstByBlock.clear();
    for (const Diagnostic& d : diagnostics) {
        if (d.line <= 0 || d.line > blockCount())
            continue;
        QTextCursor range = tokenRange(d);
        if (range.isNull())
            continue;
        m_findings.append({range, d.severity, d.message});
        auto worst = m_worstByBlock.find(d.line - 1);
        if (worst == m_worstByBlock.end())
            m_worstByBlock.insert(d.line - 1, d.severity);
        else if (d.severity < *worst)
            *worst = d.severity;
    }
    // Worse findings are drawn last so their colour wins where underlines overlap.
    std::stable_sort(m_findings.begin(), m_findings.end(),
                     [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
    refreshSelections();
    m_gutter->update();
}

QList<QTextEdit::ExtraSelection> YamlEditor::findingSelections() const
{
    QList<QTextEdit::ExtraSelection> selections;
    selections.reserve(m_findings.size());
    for (const Finding& finding : m_findings) {
        QTextEdit::ExtraSelection selection;
        selection.cursor = finding.range;
        selection.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        selection.format.setUnderlineColor(DiagnosticsModel::severityColor(finding.severity));
        selections.append(selection);
    }
    return selections;
}

void YamlEditor::refreshSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    if (!isReadOnly()) {
        QTextEdit::ExtraSelection line;
        QColor tint = palette().color(QPalette::Highlight);
        tint.setAlpha(28);
        line.format.setBackground(tint);
        line.format.setProperty(QTextFormat::FullWidthSelection, true);
        line.cursor = textCursor();
        line.cursor.clearSelection();
        selections.append(line);
    }
    selections.append(findingSelections());
    setExtraSelections(selections);
    m_gutter->update();
}

QStringList YamlEditor::messagesAt(int position) const
{
    QStringList messages;
    // m_findings is ordered least severe first; the tooltip lists the worst first.
    for (auto it = m_findings.crbegin(); it != m_findings.crend(); ++it) {
        if (position >= it->range.selectionStart() && position <= it->range.selectionEnd() &&
            !messages.contains(it->message))
            messages.append(it->message);
    }
    return messages;
}

bool YamlEditor::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QPoint inViewport = viewport()->mapFrom(this, help->pos());
        const QStringList messages = messagesAt(cursorForPosition(inViewport).position());
        if (messages.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), messages.join(QLatin1Char('\n')), this);
        return true;
    }
    return QPlainTextEdit::event(event);
}

void YamlEditor::keyPressEvent(QKeyEvent* event)
{
    if (isReadOnly()) {
        QPlainTextEdit::keyPressEvent(event);
        return;
    }
    // YAML forbids tabs for indentation: indent with two spaces instead.
    if (event->key() == Qt::Key_Tab && event->modifiers() == Qt::NoModifier) {
        textCursor().insertText(QStringLiteral("  "));
        return;
    }
    // Keep the indentation of the line above; one level deeper after "key:" or "- ".
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) &&
        event->modifiers() == Qt::NoModifier) {
        QTextCursor cursor = textCursor();
        const QString before = cursor.block().text().left(cursor.positionInBlock());
        qsizetype indent = 0;
        while (indent < before.size() && before.at(indent) == u' ')
            ++indent;
        const QString trimmed = before.trimmed();
        if (trimmed.endsWith(u':') || trimmed == u"-")
            indent += 2;
        cursor.beginEditBlock();
        cursor.insertBlock();
        cursor.insertText(QString(indent, QLatin1Char(' ')));
        cursor.endEditBlock();
        setTextCursor(cursor);
        ensureCursorVisible();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

void YamlEditor::jumpTo(int line, int column)
{
    const QTextBlock block = document()->findBlockByNumber(std::max(0, line - 1));
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    const int offset = std::clamp(column - 1, 0, std::max(0, block.length() - 1));
    cursor.setPosition(block.position() + offset);
    setTextCursor(cursor);
    centerCursor();
    setFocus(Qt::OtherFocusReason);
}

int YamlEditor::currentLine() const
{
    return textCursor().blockNumber() + 1;
}

int YamlEditor::currentColumn() const
{
    return textCursor().positionInBlock() + 1;
}

} // namespace launchdeck
