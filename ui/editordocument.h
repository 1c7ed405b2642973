// The file the Infrastructure tab's editor holds, apart from the widgets: which file it is and
// of what kind, reading it in, saving it (atomically, off the GUI thread), reverting it, and
// whether it has unsaved changes. Answers about a file the user has since left are dropped.
#pragma once

#include "validation/validator.h"

#include <QObject>
#include <QString>

#include <functional>

class QTextDocument;

namespace launchdeck {

class EditorDocument final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EditorDocument)

public:
    // `document` is the editor's; not owned.
    explicit EditorDocument(QTextDocument* document, QObject* parent = nullptr);

    QString path() const { return m_path; }
    FileKind kind() const { return m_kind; }
    bool isOpen() const { return !m_path.isEmpty(); }
    bool isModified() const;
    // True while text read from disk is put into the document: that is no edit.
    bool isLoading() const { return m_loading; }

    // Reads `path` in the background; loaded (with where to put the cursor) or failed follows.
    void load(const QString& path, int line = 0, int column = 0);
    // Writes the text; `after` runs once it is on disk, never when the write fails.
    void save(std::function<void()> after = {});
    void discardChanges();
    // No file: the text goes, and answers still on their way are dropped.
    void close();

Q_SIGNALS:
    void loaded(const QString& path, int line, int column);
    void saved(const QString& path);
    void failed(const QString& message);

private:
    QTextDocument* m_document;
    QString m_path;
    FileKind m_kind = FileKind::Unknown;
    quint64 m_generation = 0; // drops reads of files the user has since left
    bool m_saving = false;
    bool m_loading = false;
};

} // namespace launchdeck
