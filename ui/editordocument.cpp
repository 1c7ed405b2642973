// Reading, saving and reverting the editor's file through documentio's pool-thread calls.
#include "editordocument.h"

#include "documentio.h"

#include <QTextDocument>

namespace launchdeck {

EditorDocument::EditorDocument(QTextDocument* document, QObject* parent)
    : QObject(parent)
    , m_document(document)
{}

bool EditorDocument::isModified() const
{
    return isOpen() && m_document->isModified();
}

void EditorDocument::load(const QString& path, int line, int column)
{
    const quint64 generation = ++m_generation;
    readFileAsync(path).then(
        this, [this, generation, path, line, column](const Result<QByteArray>& bytes) {
            if (generation != m_generation)
                return;
            if (!bytes) {
                Q_EMIT failed(tr("Could not open %1").arg(bytes.error().toString()));
                return;
            }
            m_path = path;
            m_kind = classifyFile(path, bytes.value());
            m_loading = true;
            m_document->setPlainText(QString::fromUtf8(bytes.value()));
            m_loading = false;
            m_document->setModified(false);
            Q_EMIT loaded(path, line, column);
        });
}

void EditorDocument::save(std::function<void()> after)
{
    if (!isOpen() || m_saving)
        return;
    m_saving = true;
    const QString path = m_path;
    const int revision = m_document->revision();
    writeFileAsync(path, m_document->toPlainText().toUtf8())
        .then(this, [this, path, revision, after](const Result<bool>& written) {
            m_saving = false;
            if (!written) {
                Q_EMIT failed(tr("Could not save %1").arg(written.error().toString()));
                return;
            }
            // Edits made while the write was in flight keep the document modified.
            if (path == m_path && m_document->revision() == revision)
                m_document->setModified(false);
            Q_EMIT saved(path);
            if (after)
                after();
        });
}

void EditorDocument::discardChanges()
{
    m_document->setModified(false);
}

void EditorDocument::close()
{
    ++m_generation;
    m_path.clear();
    m_kind = FileKind::Unknown;
    m_loading = true;
    m_document->clear();
    m_loading = false;
    m_document->setModified(false);
}

} // namespace launchdeck
