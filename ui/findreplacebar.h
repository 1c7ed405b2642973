// The editor's find and replace bar: next/previous, match case, replace, replace all.
#pragma once

#include <QTextDocument>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace launchdeck {

class FindReplaceBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindReplaceBar)

public:
    explicit FindReplaceBar(QPlainTextEdit* editor, QWidget* parent = nullptr);

    // Shows the bar with the editor's selection (if any) as the search text.
    void showFind();
    void showReplace();

    void setSearchText(const QString& text);
    void setReplacementText(const QString& text);
    void setMatchCase(bool on);

    bool findNext();
    bool findPrevious();
    // Replaces the current match (if the selection is one) and moves to the next.
    bool replace();
    int replaceAll(); // as one undo step; returns the number of replacements

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    bool find(QTextDocument::FindFlags flags);
    QTextDocument::FindFlags flags() const;
    bool selectionIsMatch() const;
    void setReplaceVisible(bool visible);
    void showStatus(const QString& text);

    QPlainTextEdit* m_editor;
    QLineEdit* m_find;
    QLineEdit* m_replace;
    QCheckBox* m_matchCase;
    QToolButton* m_previous;
    QToolButton* m_next;
    QPushButton* m_replaceOne;
    QPushButton* m_replaceAll;
    QLabel* m_replaceLabel;
    QLabel* m_status;
};

} // namespace launchdeck
