// Find and replace over a QPlainTextEdit, wrapping around the document's end.
#include "findreplacebar.h"

#include "keyhint.h"
#include "standardicon.h"

#include <QApplication>
#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QTextBlock>
#include <QTextCursor>
#include <QToolButton>

namespace launchdeck {

FindReplaceBar::FindReplaceBar(QPlainTextEdit* editor, QWidget* parent)
    : QWidget(parent)
    , m_editor(editor)
    , m_find(new QLineEdit(this))
    , m_replace(new QLineEdit(this))
    , m_matchCase(new QCheckBox(tr("&Match case"), this))
    , m_previous(new QToolButton(this))
    , m_next(new QToolButton(this))
    , m_replaceOne(new QPushButton(tr("&Replace"), this))
    , m_replaceAll(new QPushButton(tr("Replace &All"), this))
    , m_replaceLabel(new QLabel(tr("Replace:"), this))
    , m_status(new QLabel(this))
{
    auto* close = new QToolButton(this);
    close->setIcon(standardIcon(QStyle::SP_TitleBarCloseButton));
    close->setAutoRaise(true);
    // A window shortcut while the bar shows: Escape closes it from the editor too.
    close->setShortcut(Qt::Key_Escape);
    setToolTipWithKey(close, tr("Close"));
    // Arrows on screen; the texts give them mnemonics, named in the tooltips beside F3.
    m_previous->setArrowType(Qt::UpArrow);
    m_previous->setText(tr("Find &previous"));
    m_previous->setToolTip(
        tr("Find previous (%1 or %2)")
            .arg(QKeySequence(QKeySequence::FindPrevious).toString(QKeySequence::NativeText),
                 m_previous->shortcut().toString(QKeySequence::NativeText)));
    m_previous->setAutoRaise(true);
    m_next->setArrowType(Qt::DownArrow);
    m_next->setText(tr("Find ne&xt"));
    m_next->setToolTip(
        tr("Find next (%1 or %2)")
            .arg(QKeySequence(QKeySequence::FindNext).toString(QKeySequence::NativeText),
                 m_next->shortcut().toString(QKeySequence::NativeText)));
    m_next->setAutoRaise(true);
    enableClearButtonWhenShown(m_find);
    enableClearButtonWhenShown(m_replace);
    m_status->setEnabled(false); // greyed: a remark on the search, not a control

    auto* findLabel = new QLabel(tr("Find:"), this);
    findLabel->setBuddy(m_find);
    m_replaceLabel->setBuddy(m_replace);

    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setHorizontalSpacing(6);
    layout->setVerticalSpacing(4);
    layout->addWidget(findLabel, 0, 0);
    layout->addWidget(m_find, 0, 1);
    layout->addWidget(m_previous, 0, 2);
    layout->addWidget(m_next, 0, 3);
    layout->addWidget(m_matchCase, 0, 4);
    layout->addWidget(m_status, 0, 5);
    layout->addWidget(close, 0, 7, Qt::AlignRight);
    layout->addWidget(m_replaceLabel, 1, 0);
    layout->addWidget(m_replace, 1, 1);
    auto* buttons = new QHBoxLayout;
    buttons->setSpacing(6);
    buttons->addWidget(m_replaceOne);
    buttons->addWidget(m_replaceAll);
    buttons->addStretch();
    layout->addLayout(buttons, 1, 2, 1, 4);
    layout->setColumnStretch(1, 3);
    layout->setColumnStretch(6, 1);

    connect(close, &QToolButton::clicked, this, [this] {
        const bool focused = isAncestorOf(QApplication::focusWidget());
        hide();
        if (focused)
            m_editor->setFocus(Qt::OtherFocusReason);
    });
    connect(m_next, &QToolButton::clicked, this, &FindReplaceBar::findNext);
    connect(m_previous, &QToolButton::clicked, this, &FindReplaceBar::findPrevious);
    connect(m_find, &QLineEdit::returnPressed, this, &FindReplaceBar::findNext);
    connect(m_replace, &QLineEdit::returnPressed, this, &FindReplaceBar::replace);
    connect(m_replaceOne, &QPushButton::clicked, this, &FindReplaceBar::replace);
    connect(m_replaceAll, &QPushButton::clicked, this, &FindReplaceBar::replaceAll);
    connect(m_find, &QLineEdit::textEdited, this, [this] {
        // Search as you type, from where the current match starts.
        QTextCursor cursor = m_editor->textCursor();
        cursor.setPosition(cursor.selectionStart());
        m_editor->setTextCursor(cursor);
        if (!m_find->text().isEmpty())
            findNext();
        else
            showStatus({});
    });
    hide();
}

void FindReplaceBar::showFind()
{
    setReplaceVisible(false);
    show();
    const QString selected = m_editor->textCursor().selectedText();
    if (!selected.isEmpty() && !selected.contains(QChar::ParagraphSeparator))
        m_find->setText(selected);
    m_find->setFocus(Qt::ShortcutFocusReason);
    m_find->selectAll();
}

void FindReplaceBar::showReplace()
{
    showFind();
    setReplaceVisible(true);
}

void FindReplaceBar::setReplaceVisible(bool visible)
{
    m_replaceLabel->setVisible(visible);
    m_replace->setVisible(visible);
    m_replaceOne->setVisible(visible);
    m_replaceAll->setVisible(visible);
}

void FindReplaceBar::setSearchText(const QString& text)
{
    m_find->setText(text);
}

void FindReplaceBar::setReplacementText(const QString& text)
{
    m_replace->setText(text);
}

void FindReplaceBar::setMatchCase(bool on)
{
    m_matchCase->setChecked(on);
}

QTextDocument::FindFlags FindReplaceBar::flags() const
{
    QTextDocument::FindFlags flags;
    if (m_matchCase->isChecked())
        flags |= QTextDocument::FindCaseSensitively;
    return flags;
}

void FindReplaceBar::showStatus(const QString& text)
{
    m_status->setText(text);
}

bool FindReplaceBar::find(QTextDocument::FindFlags findFlags)
{
    const QString needle = m_find->text();
    if (needle.isEmpty())
        return false;
    QTextDocument* document = m_editor->document();
    QTextCursor found = document->find(needle, m_editor->textCursor(), findFlags);
    if (found.isNull()) {
        // Wrap around, as editors do.
        QTextCursor from(document);
        if (findFlags & QTextDocument::FindBackward)
            from.movePosition(QTextCursor::End);
        found = document->find(needle, from, findFlags);
        if (!found.isNull())
            showStatus(tr("Wrapped around"));
    } else {
        showStatus({});
    }
    if (found.isNull()) {
        showStatus(tr("No matches"));
        return false;
    }
    m_editor->setTextCursor(found);
    m_editor->ensureCursorVisible();
    return true;
}

bool FindReplaceBar::findNext()
{
    return find(flags());
}

bool FindReplaceBar::findPrevious()
{
    return find(flags() | QTextDocument::FindBackward);
}

bool FindReplaceBar::selectionIsMatch() const
{
    const QString selected = m_editor->textCursor().selectedText();
    const Qt::CaseSensitivity cs =
        m_matchCase->isChecked() ? Qt::CaseSensitive : Qt::CaseInsensitive;
    return !selected.isEmpty() && selected.compare(m_find->text(), cs) == 0;
}

bool FindReplaceBar::replace()
{
    if (m_editor->isReadOnly() || m_find->text().isEmpty())
        return false;
    if (selectionIsMatch()) {
        QTextCursor cursor = m_editor->textCursor();
        cursor.insertText(m_replace->text());
        m_editor->setTextCursor(cursor);
    }
    return findNext();
}

int FindReplaceBar::replaceAll()
{
    const QString needle = m_find->text();
    if (m_editor->isReadOnly() || needle.isEmpty())
        return 0;
    QTextDocument* document = m_editor->document();
    QTextCursor edit(document);
    edit.beginEditBlock();
    int count = 0;
    QTextCursor found = document->find(needle, 0, flags());
    while (!found.isNull()) {
        found.insertText(m_replace->text());
        ++count;
        found = document->find(needle, found, flags());
    }
    edit.endEditBlock();
    showStatus(tr("%1 replaced").arg(count));
    return count;
}

void FindReplaceBar::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Escape) {
        hide();
        m_editor->setFocus(Qt::OtherFocusReason);
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace launchdeck
