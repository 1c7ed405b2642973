// The YAML editor: line numbers, the current line, and each finding underlined where it is,
// with its message as a tooltip.
#pragma once

#include "core/diagnostic.h"

#include <QPlainTextEdit>

namespace launchdeck {

class YamlEditor final : public QPlainTextEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(YamlEditor)

public:
    explicit YamlEditor(QWidget* parent = nullptr);

    // Findings of the file being edited; positions are 1-based line:column.
    void setDiagnostics(const Diagnostics& diagnostics);
    // The underlines as they stand (they move with the text until the next validation).
    QList<QTextEdit::ExtraSelection> findingSelections() const;
    // Messages of the findings covering a document position, worst first.
    QStringList messagesAt(int position) const;

    // Moves the cursor to 1-based line:column (column 0: start of line) and shows it.
    void jumpTo(int line, int column);
    int currentLine() const;   // 1-based
    int currentColumn() const; // 1-based

    int gutterWidth() const;

protected:
    bool event(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    friend class LineNumberGutter;

    struct Finding
    {
        QTextCursor range; // a QTextCursor keeps its place while the text around it changes
        Severity severity;
        QString message;
    };

    void paintGutter(QPaintEvent* event);
    void updateGutterWidth();
    void updateGutter(const QRect& rect, int dy);
    void refreshSelections();
    QTextCursor tokenRange(const Diagnostic& diagnostic) const;

    QWidget* m_gutter = nullptr;
    QList<Finding> m_findings;
    QHash<int, Severity> m_worstByBlock; // block number -> worst severity, for gutter marks
};

} // namespace launchdeck
