// Pulling an image from the console: the reference typed, the pull run by the Docker host off
// this thread, one row per layer updated as the daemon reports it, and the daemon's own words
// when it refuses.
#include "dockerpulldialog.h"

#include "docker/dockerhost.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace launchdeck {

namespace {

// docker pull's units: decimal, one decimal place.
QString bytesText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

bool isDownloaded(const QString& status)
{
    return status == u"Download complete" || status == u"Verifying Checksum" ||
           status == u"Extracting" || status == u"Pull complete";
}

} // namespace

DockerPullDialog::DockerPullDialog(DockerHost* host, QWidget* parent)
    : QDialog(parent)
    , m_host(host)
{
    setWindowTitle(tr("Pull an image to %1").arg(host ? host->name() : tr("no host")));
    resize(680, 440);

    m_reference = new QLineEdit(this);
    m_reference->setPlaceholderText(tr("registry.example.com:5000/shop/web:1.0"));
    m_reference->setToolTip(tr("An image reference; without a tag, latest. The registry's "
                               "credentials are those docker login stored."));
    auto* form = new QFormLayout;
    form->addRow(tr("&Image:"), m_reference);

    m_layers = new QTreeWidget(this);
    m_layers->setObjectName(QStringLiteral("pullLayers"));
    m_layers->setHeaderLabels({tr("Layer"), tr("Status"), tr("Progress")});
    m_layers->setRootIsDecorated(false);
    m_layers->setUniformRowHeights(true);
    m_layers->setSelectionMode(QAbstractItemView::NoSelection);
    m_layers->header()->setSectionResizeMode(LayerIdColumn, QHeaderView::ResizeToContents);
    m_layers->header()->setSectionResizeMode(LayerStatusColumn, QHeaderView::ResizeToContents);
    m_layers->header()->setStretchLastSection(true);

    m_overall = new QLabel(this);
    m_overall->setObjectName(QStringLiteral("pullOverall"));
    m_digest = new QLabel(this);
    m_digest->setObjectName(QStringLiteral("pullDigest"));
    m_digest->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("pullStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(this);
    m_pullButton = buttons->addButton(tr("&Pull"), QDialogButtonBox::ActionRole);
    m_cancelButton = buttons->addButton(tr("Ca&ncel pull"), QDialogButtonBox::ActionRole);
    m_closeButton = buttons->addButton(QDialogButtonBox::Close);
    m_closeButton->setText(tr("&Close"));
    m_pullButton->setDefault(true);
    connect(m_pullButton, &QPushButton::clicked, this, &DockerPullDialog::pull);
    connect(m_cancelButton, &QPushButton::clicked, this, &DockerPullDialog::cancelPull);
    connect(buttons, &QDialogButtonBox::rejected, this, &DockerPullDialog::reject);
    connect(m_reference, &QLineEdit::returnPressed, this, &DockerPullDialog::pull);
    connect(m_reference, &QLineEdit::textChanged, this, [this] { setPulling(m_request); });

    if (m_host) {
        connect(m_host, &DockerHost::transferProgressed, this, &DockerPullDialog::apply);
        connect(m_host, &DockerHost::transferFinished, this, &DockerPullDialog::finish);
    }

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_layers, 1);
    layout->addWidget(m_overall);
    layout->addWidget(m_digest);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    setPulling(0);
}

DockerPullDialog::~DockerPullDialog()
{
    if (m_request && m_host)
        m_host->cancelTransfer(m_request);
}

void DockerPullDialog::pull()
{
    const QString reference = m_reference->text().trimmed();
    if (m_request || !m_host || reference.isEmpty())
        return;
    m_layers->clear();
    m_layerRows.clear();
    m_digest->clear();
    m_pulling = reference;
    m_status->setText(tr("Pulling %1…").arg(reference));
    setPulling(m_host->pullImage(reference));
    updateOverall();
}

void DockerPullDialog::cancelPull()
{
    if (!m_request)
        return;
    if (m_host)
        m_host->cancelTransfer(m_request);
    // What the cancelled pull still says is dropped.
    setPulling(0);
    m_status->setText(tr("Cancelled"));
}

void DockerPullDialog::reject()
{
    cancelPull();
    QDialog::reject();
}

void DockerPullDialog::apply(quint64 request, const QList<PullProgress>& lines)
{
    if (request != m_request)
        return;
    for (const PullProgress& line : lines) {
        if (line.layer.isEmpty()) {
            // The image's own lines: "1.0: Pulling from shop/web", "Digest: …", "Status: …".
            m_status->setText(line.status);
            continue;
        }
        Layer& layer = m_layerRows[line.layer];
        if (!layer.item) {
            layer.item = new QTreeWidgetItem(m_layers, {line.layer, QString(), QString()});
            layer.item->setFont(LayerIdColumn, QFontDatabase::systemFont(QFontDatabase::FixedFont));
        }
        layer.item->setText(LayerStatusColumn, line.status);
        if (line.status == u"Downloading") {
            layer.downloaded = line.current;
            layer.size = qMax(layer.size, line.total);
        } else if (isDownloaded(line.status)) {
            layer.downloaded = qMax(layer.downloaded, layer.size);
        }
        if (line.status == u"Extracting" && line.total > 0)
            layer.size = qMax(layer.size, line.total);
        layer.complete = line.status == u"Pull complete" || line.status == u"Already exists";
        QString bytes;
        if (line.current > 0)
            bytes = line.total > 0
                        ? tr("%1 / %2").arg(bytesText(line.current), bytesText(line.total))
                        : bytesText(line.current);
        else if (layer.complete && layer.size > 0)
            bytes = bytesText(layer.size);
        layer.item->setText(LayerBytesColumn, bytes);
    }
    updateOverall();
}

void DockerPullDialog::updateOverall()
{
    int complete = 0;
    qint64 downloaded = 0;
    qint64 size = 0;
    for (const Layer& layer : std::as_const(m_layerRows)) {
        complete += layer.complete ? 1 : 0;
        downloaded += layer.downloaded;
        size += layer.size;
    }
    const int layers = int(m_layerRows.size());
    if (layers == 0) {
        m_overall->setText(m_request ? tr("Waiting for the registry…") : QString());
        return;
    }
    QString text = tr("%1 of %n layer(s) complete", nullptr, layers).arg(complete);
    if (size > 0)
        text += tr(", %1 of %2 downloaded").arg(bytesText(downloaded), bytesText(size));
    m_overall->setText(text);
}

void DockerPullDialog::finish(quint64 request, const TransferredImage& image, const QString& error)
{
    if (request != m_request)
        return;
    setPulling(0);
    if (!error.isEmpty()) {
        m_status->setText(tr("Failed: %1").arg(error));
        Q_EMIT pullFailed(m_pulling, error);
        return;
    }
    // A pull that ended well has every layer in place, whatever its last line said.
    for (Layer& layer : m_layerRows)
        layer.complete = true;
    updateOverall();
    m_digest->setText(tr("Digest: %1").arg(image.digest));
    m_status->setText(tr("Pulled %1").arg(image.reference));
    Q_EMIT imagePulled(image.reference, image.digest);
}

void DockerPullDialog::setPulling(quint64 request)
{
    m_request = request;
    const bool pulling = request != 0;
    m_reference->setEnabled(!pulling);
    m_pullButton->setEnabled(!pulling && m_host && !m_reference->text().trimmed().isEmpty());
    m_cancelButton->setEnabled(pulling);
}

} // namespace launchdeck
