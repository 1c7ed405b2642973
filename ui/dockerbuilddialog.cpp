// Building an image from the console: the request's fields, the daemon's output streamed into a
// read-only view, and a status line; the build runs on the builder's thread, never on this one.
// The pushes after it run on the Docker host's transfer pool, one tag after another, their lines
// in the same view.
#include "dockerbuilddialog.h"

#include "docker/dockerbuild.h"
#include "docker/dockerhost.h"
#include "registry/registrylocation.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSettings>
#include <QTextBlock>
#include <QTextCursor>
#include <QVBoxLayout>

namespace launchdeck {

namespace {

const QString kLastFolderKey = QStringLiteral("dockerBuild/lastFolder");
constexpr int kMaxOutputLines = 20000; // a chatty RUN must not grow the view without bound

} // namespace

DockerBuildDialog::DockerBuildDialog(DockerHost* host, QWidget* parent)
    : QDialog(parent)
    , m_host(host)
{
    setWindowTitle(tr("Build an image on %1").arg(host ? host->name() : tr("no host")));
    resize(760, 560);

    m_folder = new QLineEdit(QSettings().value(kLastFolderKey).toString(), this);
    m_folder->setPlaceholderText(tr("The build context: a folder with a Dockerfile"));
    m_browse = new QPushButton(tr("B&rowse…"), this);
    connect(m_browse, &QPushButton::clicked, this, &DockerBuildDialog::chooseFolder);
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(m_browse);

    m_dockerfile = new QLineEdit(QStringLiteral("Dockerfile"), this);
    m_dockerfile->setToolTip(tr("Relative to the folder"));
    m_tags = new QLineEdit(this);
    m_tags->setPlaceholderText(tr("name:tag, another/name:tag"));
    m_buildArgs = new QPlainTextEdit(this);
    m_buildArgs->setPlaceholderText(tr("KEY=VALUE, one a line"));
    m_buildArgs->setTabChangesFocus(true);
    m_buildArgs->setFixedHeight(m_buildArgs->fontMetrics().lineSpacing() * 4 + 12);
    m_noCache = new QCheckBox(tr("Do not &use the cache"), this);
    m_push = new QCheckBox(tr("&Push after build"), this);
    m_push->setObjectName(QStringLiteral("pushAfterBuild"));
    connect(m_tags, &QLineEdit::textChanged, this, &DockerBuildDialog::updatePushBox);

    auto* form = new QFormLayout;
    // The folder row is a layout, which QFormLayout cannot make a label's buddy by itself.
    auto* folderLabel = new QLabel(tr("&Folder:"), this);
    folderLabel->setBuddy(m_folder);
    form->addRow(folderLabel, folderRow);
    form->addRow(tr("&Dockerfile:"), m_dockerfile);
    form->addRow(tr("&Tags:"), m_tags);
    form->addRow(tr("Build &arguments:"), m_buildArgs);
    form->addRow(QString(), m_noCache);
    form->addRow(QString(), m_push);

    m_output = new QPlainTextEdit(this);
    m_output->setReadOnly(true);
    m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_output->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_output->setMaximumBlockCount(kMaxOutputLines);
    m_output->setObjectName(QStringLiteral("buildOutput"));

    m_status = new QLabel(this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("buildStatus"));

    auto* buttons = new QDialogButtonBox(this);
    m_buildButton = buttons->addButton(tr("&Build"), QDialogButtonBox::ActionRole);
    // Alt+A is the build arguments'.
    m_cancelButton = buttons->addButton(tr("Ca&ncel build"), QDialogButtonBox::ActionRole);
    m_closeButton = buttons->addButton(QDialogButtonBox::Close);
    m_closeButton->setText(tr("&Close"));
    m_buildButton->setDefault(true);
    connect(m_buildButton, &QPushButton::clicked, this, &DockerBuildDialog::build);
    connect(m_cancelButton, &QPushButton::clicked, this, &DockerBuildDialog::cancelBuild);
    connect(buttons, &QDialogButtonBox::rejected, this, &DockerBuildDialog::reject);
    if (m_host) {
        connect(m_host, &DockerHost::transferProgressed, this, &DockerBuildDialog::pushProgressed);
        connect(m_host, &DockerHost::transferFinished, this, &DockerBuildDialog::pushFinished);
    }

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_output, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    setBuilding(false);
}

DockerBuildDialog::~DockerBuildDialog()
{
    if (m_pushRequest && m_host)
        m_host->cancelTransfer(m_pushRequest);
}

void DockerBuildDialog::chooseFolder()
{
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Build context"), m_folder->text());
    if (!folder.isEmpty())
        m_folder->setText(folder);
}

bool DockerBuildDialog::describeRequest(DockerBuildRequest* request, QString* error) const
{
    request->contextDir = m_folder->text().trimmed();
    if (request->contextDir.isEmpty()) {
        *error = tr("choose the folder to build");
        return false;
    }
    const QString dockerfile = m_dockerfile->text().trimmed();
    request->dockerfile = dockerfile.isEmpty() ? QStringLiteral("Dockerfile") : dockerfile;
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    request->tags = m_tags->text().split(separators, Qt::SkipEmptyParts);
    request->buildArgs.clear();
    const QStringList lines = m_buildArgs->toPlainText().split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype equals = line.indexOf(u'=');
        if (equals <= 0) {
            *error = tr("build argument on line %1 is not KEY=VALUE: %2").arg(i + 1).arg(line);
            return false;
        }
        request->buildArgs.append({line.left(equals).trimmed(), line.mid(equals + 1)});
    }
    request->noCache = m_noCache->isChecked();
    return true;
}

QStringList DockerBuildDialog::registryTags() const
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    QStringList tags;
    for (const QString& tag : m_tags->text().split(separators, Qt::SkipEmptyParts))
        if (registry::namesRegistryHost(tag) && !tags.contains(tag))
            tags.append(tag);
    return tags;
}

void DockerBuildDialog::updatePushBox()
{
    const QStringList tags = registryTags();
    m_push->setEnabled(!m_building && !tags.isEmpty());
    m_push->setToolTip(tags.isEmpty() ? tr("Give a tag that names a registry "
                                           "(registry.example.com:5000/shop/web:1.0) to push it")
                                      : tr("Pushes %1 with the credentials docker login stored")
                                            .arg(tags.join(QStringLiteral(", "))));
}

void DockerBuildDialog::build()
{
    if (m_building || !m_host)
        return;
    DockerBuildRequest request;
    QString error;
    if (!describeRequest(&request, &error)) {
        m_status->setText(tr("Failed: %1").arg(error));
        return;
    }
    QSettings().setValue(kLastFolderKey, request.contextDir);

    m_output->clear();
    const quint64 generation = ++m_generation;
    m_builder = std::make_unique<DockerImageBuilder>(m_host->endpoint(), m_host->apiVersion());
    // The builder emits on its own thread; `this` as context queues the calls to this one.
    connect(m_builder.get(), &DockerImageBuilder::progress, this,
            [this, generation](const QString& line) {
                if (generation == m_generation)
                    appendLine(line);
            });
    connect(m_builder.get(), &DockerImageBuilder::finished, this,
            [this, generation](const QString& imageId, const QString& failure) {
                if (generation == m_generation)
                    finish(imageId, failure);
            });
    setBuilding(true);
    m_status->setText(tr("Building %1…").arg(request.contextDir));
    m_builder->start(request);
}

void DockerBuildDialog::cancelBuild()
{
    if (!m_building)
        return;
    ++m_generation;
    m_builder->cancel();
    m_toPush.clear();
    if (m_pushRequest && m_host)
        m_host->cancelTransfer(m_pushRequest);
    m_pushRequest = 0;
    appendLine(tr("Build cancelled."), true);
    m_status->setText(tr("Cancelled"));
    setBuilding(false);
}

void DockerBuildDialog::reject()
{
    cancelBuild();
    QDialog::reject();
}

void DockerBuildDialog::finish(const QString& imageId, const QString& error)
{
    if (!error.isEmpty()) {
        setBuilding(false);
        appendLine(error, true);
        m_status->setText(tr("Failed: %1").arg(error));
        Q_EMIT finished();
        return;
    }
    m_builtId = imageId;
    m_pushResults.clear();
    m_status->setText(tr("Built %1").arg(imageId));
    Q_EMIT imageBuilt(imageId);
    // The box is disabled while building; whether it was checked is what counts.
    m_toPush = m_push->isChecked() && m_host ? registryTags() : QStringList();
    pushNext();
}

void DockerBuildDialog::pushNext()
{
    if (m_toPush.isEmpty() || !m_host) {
        setBuilding(false);
        if (!m_pushResults.isEmpty())
            m_status->setText(
                tr("Built %1; %2").arg(m_builtId, m_pushResults.join(QStringLiteral("; "))));
        Q_EMIT finished();
        return;
    }
    const QString tag = m_toPush.takeFirst();
    m_pushSaid.clear();
    appendLine(tr("Pushing %1…").arg(tag));
    m_status->setText(tr("Built %1; pushing %2…").arg(m_builtId, tag));
    m_pushRequest = m_host->pushImage(tag);
}

void DockerBuildDialog::pushProgressed(quint64 request, const QList<PullProgress>& lines)
{
    if (!m_pushRequest || request != m_pushRequest)
        return;
    // Each layer's status once as it changes: the bytes move too fast to read as lines.
    for (const PullProgress& line : lines) {
        const QString key = line.layer + u'\n' + line.status;
        if (m_pushSaid.contains(key))
            continue;
        m_pushSaid.insert(key);
        appendLine(line.layer.isEmpty() ? line.status : line.layer + u": " + line.status);
    }
}

void DockerBuildDialog::pushFinished(quint64 request, const TransferredImage& image,
                                     const QString& error)
{
    if (!m_pushRequest || request != m_pushRequest)
        return;
    m_pushRequest = 0;
    if (error.isEmpty()) {
        appendLine(tr("Pushed %1: %2").arg(image.reference, image.digest));
        m_pushResults.append(tr("pushed %1").arg(image.reference));
        Q_EMIT imagePushed(image.reference, image.digest);
    } else {
        appendLine(error, true);
        m_pushResults.append(tr("push of %1 failed: %2").arg(image.reference, error));
        Q_EMIT pushFailed(image.reference, error);
    }
    pushNext();
}

void DockerBuildDialog::appendLine(const QString& line, bool error)
{
    QScrollBar* scroll = m_output->verticalScrollBar();
    const bool following = scroll->value() == scroll->maximum();
    QTextCursor cursor(m_output->document());
    cursor.movePosition(QTextCursor::End);
    if (!m_output->document()->isEmpty())
        cursor.insertBlock();
    QTextCharFormat format;
    if (error)
        format.setForeground(QColor(0xc6, 0x28, 0x28));
    cursor.insertText(line, format);
    // Keep the newest line in view unless the reader scrolled up to read.
    if (following)
        scroll->setValue(scroll->maximum());
}

void DockerBuildDialog::setBuilding(bool building)
{
    m_building = building;
    for (QWidget* input : {static_cast<QWidget*>(m_folder), static_cast<QWidget*>(m_browse),
                           static_cast<QWidget*>(m_dockerfile), static_cast<QWidget*>(m_tags),
                           static_cast<QWidget*>(m_buildArgs), static_cast<QWidget*>(m_noCache)})
        input->setEnabled(!building);
    m_buildButton->setEnabled(!building && m_host);
    m_cancelButton->setEnabled(building);
    updatePushBox();
}

} // namespace launchdeck
