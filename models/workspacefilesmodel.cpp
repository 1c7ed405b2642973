// The workspace file tree: folders and YAML files only.
#include "workspacefilesmodel.h"

#include <QFileInfo>

namespace launchdeck {

WorkspaceFilesModel::WorkspaceFilesModel(QObject* parent)
    : QFileSystemModel(parent)
{
    setReadOnly(true);
    setFilter(QDir::AllDirs | QDir::Files | QDir::NoDotAndDotDot);
    setNameFilters({QStringLiteral("*.yaml"), QStringLiteral("*.yml")});
    // Hide, rather than grey out, what the editor cannot open.
    setNameFilterDisables(false);
}

bool WorkspaceFilesModel::isYamlFile(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == u"yaml" || suffix == u"yml";
}

QModelIndex WorkspaceFilesModel::setWorkspaceRoot(const QString& root)
{
    m_root = root;
    return setRootPath(root);
}

QVariant WorkspaceFilesModel::data(const QModelIndex& index, int role) const
{
    // The full path as tooltip helps where the tree is narrow.
    if (role == Qt::ToolTipRole && index.isValid())
        return QDir::toNativeSeparators(filePath(index));
    return QFileSystemModel::data(index, role);
}

} // namespace launchdeck
